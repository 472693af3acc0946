import { describe, expect, it } from "vitest";
import { SettingsError, readSettings, regionId, scheduleExpression } from "../../infra/settings.js";

describe("deploy settings", () => {
  it("defaults to the three documented probe regions, home = first, one round a minute", () => {
    const s = readSettings({});
    expect(s.probeRegions).toEqual(["us-east-1", "eu-west-1", "ap-southeast-2"]);
    expect(s.homeRegion).toBe("us-east-1");
    expect(scheduleExpression(s.intervalS)).toBe("rate(1 minute)");
    expect(s.tableReplicas).toEqual([]);
    expect(s.probeVpcs).toEqual({});
    expect(s.apiDomain).toBeUndefined();
    expect(s.webhookHosts).toBe("hooks.slack.com");
    expect(s.lambdaArchitecture).toBe("arm64");
  });

  it("sizes the scheduler at 256 MB unless PROBEMESH_SCHEDULER_MEMORY_MB says otherwise, within Lambda's range", () => {
    expect(readSettings({}).schedulerMemoryMb).toBe(256);
    expect(readSettings({ PROBEMESH_SCHEDULER_MEMORY_MB: " 1728 " }).schedulerMemoryMb).toBe(1728);
    for (const bad of ["64", "10241", "1.5", "lots"]) {
      expect(() => readSettings({ PROBEMESH_SCHEDULER_MEMORY_MB: bad })).toThrow(/PROBEMESH_SCHEDULER_MEMORY_MB: Lambda memory is a whole number of MB/);
    }
  });

  it("runs functions on arm64 unless PROBEMESH_LAMBDA_ARCH says x86_64", () => {
    expect(readSettings({ PROBEMESH_LAMBDA_ARCH: "x86_64" }).lambdaArchitecture).toBe("x86_64");
    expect(readSettings({ PROBEMESH_LAMBDA_ARCH: " arm64 " }).lambdaArchitecture).toBe("arm64");
  });

  it("takes probe regions from the one PROBEMESH_REGIONS value (trimmed, deduplicated)", () => {
    const s = readSettings({ PROBEMESH_REGIONS: " eu-central-1, us-west-2 ,eu-central-1" });
    expect(s.probeRegions).toEqual(["eu-central-1", "us-west-2"]);
    expect(s.homeRegion).toBe("eu-central-1");
    expect(regionId("eu-central-1")).toBe("EuCentral1");
  });

  it("drops the home region from the replica list", () => {
    const s = readSettings({ PROBEMESH_HOME_REGION: "us-east-1", PROBEMESH_TABLE_REPLICAS: "us-east-1,eu-west-1" });
    expect(s.tableReplicas).toEqual(["eu-west-1"]);
  });

  it("accepts VPC attachment for a probe region", () => {
    const vpc = { privateSubnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"] };
    const s = readSettings({ PROBEMESH_PROBE_VPC: JSON.stringify({ "eu-west-1": vpc }) });
    expect(s.probeVpcs).toEqual({ "eu-west-1": vpc });
  });

  it("builds the custom-domain option", () => {
    expect(readSettings({ PROBEMESH_API_DOMAIN: "status.example.com" }).apiDomain).toEqual({ name: "status.example.com" });
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc";
    expect(readSettings({ PROBEMESH_API_DOMAIN: "s.example.com", PROBEMESH_API_CERT_ARN: arn }).apiDomain).toEqual({
      name: "s.example.com",
      certArn: arn,
    });
    expect(scheduleExpression(300)).toBe("rate(5 minutes)");
  });

  it.each([
    [{ PROBEMESH_REGIONS: "us-east-1,Frankfurt" }, /PROBEMESH_REGIONS: "Frankfurt" is not an AWS region/],
    [{ PROBEMESH_REGIONS: " , " }, /PROBEMESH_REGIONS: expected at least one region/],
    [{ PROBEMESH_HOME_REGION: "moon-1" }, /PROBEMESH_HOME_REGION/],
    [{ PROBEMESH_INTERVAL_S: "30" }, /PROBEMESH_INTERVAL_S: EventBridge Scheduler needs whole minutes/],
    [{ PROBEMESH_INTERVAL_S: "90" }, /PROBEMESH_INTERVAL_S/],
    [{ PROBEMESH_PROBE_VPC: "{" }, /PROBEMESH_PROBE_VPC: expected JSON/],
    [{ PROBEMESH_PROBE_VPC: '{"sa-east-1":{"privateSubnets":["s"],"securityGroups":["g"]}}' }, /not one of the probe regions/],
    [{ PROBEMESH_PROBE_VPC: '{"us-east-1":{"privateSubnets":[]}}' }, /needs non-empty privateSubnets and securityGroups/],
    [{ PROBEMESH_API_CERT_ARN: "arn:aws:acm:x" }, /PROBEMESH_API_CERT_ARN: needs PROBEMESH_API_DOMAIN/],
    [{ PROBEMESH_LAMBDA_ARCH: "aarch64" }, /PROBEMESH_LAMBDA_ARCH: expected arm64 or x86_64, got "aarch64"/],
  ])("rejects %j with a message naming the variable", (env, message) => {
    expect(() => readSettings(env)).toThrow(SettingsError);
    expect(() => readSettings(env)).toThrow(message);
  });
});
