import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings } from "./index.js";

describe("loadSettings", () => {
  it("applies the documented defaults to an empty environment", () => {
    const config = loadSettings({});
    expect(config).toMatchObject({
      port: 8787,
      regions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
      intervalS: 60,
      dataDir: ".data",
      apiTokens: [],
      webhookHosts: ["hooks.slack.com"],
      lambdaEndpoints: {},
    });
    expect(config.profilePath).toBeUndefined();
    expect(config.slackSigningSecret).toBeUndefined();
    expect(config.probeFunctions["eu-west-1"]).toBe("probemesh-probe-eu-west-1");
    expect(config.tlsWorkers).toBeUndefined();
  });

  it("sizes the TLS worker pool from PROBEMESH_TLS_WORKERS (0 turns it off)", () => {
    expect(loadSettings({ PROBEMESH_TLS_WORKERS: "0" }).tlsWorkers).toBe(0);
    expect(loadSettings({ PROBEMESH_TLS_WORKERS: "3" }).tlsWorkers).toBe(3);
    expect(() => loadSettings({ PROBEMESH_TLS_WORKERS: "many" })).toThrow(ConfigError);
    // In Lambda the full vCPUs come from the memory: none spare at 512 MB, one per 1,769 MB beyond the first.
    expect(loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512" }).tlsWorkers).toBe(0);
    expect(loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "3538" }).tlsWorkers).toBe(Math.min(availableParallelism(), 2) - 1);
    expect(loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "512", PROBEMESH_TLS_WORKERS: "2" }).tlsWorkers).toBe(2);
  });

  it("reads the function's own memory in Lambda (the scheduler sizes its round's wait by it); unset elsewhere", () => {
    expect(loadSettings({}).functionMemoryMb).toBeUndefined();
    expect(loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "1728" }).functionMemoryMb).toBe(1728);
    expect(() => loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "64" })).toThrow(ConfigError);
    expect(() => loadSettings({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "lots" })).toThrow(ConfigError);
  });

  it("parses lists and JSON maps", () => {
    const config = loadSettings({
      PROBEMESH_REGIONS: "eu-central-1, us-west-2",
      PROBEMESH_API_TOKENS: "a,b ,",
      PROBEMESH_PROBE_FUNCTIONS: '{"eu-central-1":"fn-eu"}',
      PROBEMESH_LAMBDA_ENDPOINTS: '{"eu-central-1":"http://127.0.0.1:9001"}',
      PROBEMESH_INTERVAL_S: "15",
    });
    expect(config.regions).toEqual(["eu-central-1", "us-west-2"]);
    expect(config.apiTokens).toEqual(["a", "b"]);
    expect(config.probeFunctions).toEqual({ "eu-central-1": "fn-eu" });
    expect(config.lambdaEndpoints["eu-central-1"]).toBe("http://127.0.0.1:9001");
    expect(config.intervalS).toBe(15);
  });

  it("reads the listen address and the freshness window, which must be longer than the interval", () => {
    expect(loadSettings({})).toMatchObject({ host: "127.0.0.1" });
    expect(loadSettings({}).staleAfterS).toBeUndefined();
    expect(loadSettings({ PROBEMESH_HOST: "0.0.0.0", PROBEMESH_INTERVAL_S: "1", PROBEMESH_STALE_AFTER_S: "4" })).toMatchObject({ host: "0.0.0.0", staleAfterS: 4 });
    expect(() => loadSettings({ PROBEMESH_INTERVAL_S: "60", PROBEMESH_STALE_AFTER_S: "60" })).toThrow(/PROBEMESH_STALE_AFTER_S: must be longer than the interval/);
  });

  it("reads the lab's vendor geographies per product (PROBEMESH_LAB_GEOS)", () => {
    expect(loadSettings({}).labGeos).toEqual({});
    expect(loadSettings({ PROBEMESH_LAB_GEOS: " kong-konnect = au, eu ; strongdm=uk; " }).labGeos).toEqual({ "kong-konnect": ["au", "eu"], strongdm: ["uk"] });
  });

  it("reads agent tokens as location:token pairs; agents count for quorum unless told not to", () => {
    expect(loadSettings({})).toMatchObject({ agentTokens: {}, agentsInQuorum: true });
    const config = loadSettings({ PROBEMESH_AGENT_TOKENS: "dc1:0123456789abcdef, k8s-eu:fedcba9876543210:x", PROBEMESH_AGENTS_IN_QUORUM: "false" });
    expect(config.agentTokens).toEqual({ dc1: "0123456789abcdef", "k8s-eu": "fedcba9876543210:x" });
    expect(config.agentsInQuorum).toBe(false);
  });

  it.each([
    [{ PORT: "http" }, /PORT: expected an integer/],
    [{ PROBEMESH_INTERVAL_S: "0" }, /PROBEMESH_INTERVAL_S/],
    [{ PROBEMESH_REGIONS: "europe" }, /PROBEMESH_REGIONS: "europe" is not an AWS region/],
    [{ PROBEMESH_PROBE_FUNCTIONS: "[1]" }, /PROBEMESH_PROBE_FUNCTIONS: expected a JSON object/],
    [{ PROBEMESH_LAMBDA_ENDPOINTS: '{"x":1}' }, /PROBEMESH_LAMBDA_ENDPOINTS: value for "x"/],
    [{ PROBEMESH_LAB_GEOS: "kong-konnect" }, /PROBEMESH_LAB_GEOS: expected product=geo\[,geo\] entries/],
    [{ PROBEMESH_LAB_GEOS: "kong-konnect=mars" }, /PROBEMESH_LAB_GEOS: unknown geo "mars" for kong-konnect \(valid: au, eu, in, me, us\)/],
    [{ PROBEMESH_LAB_GEOS: "circleci-server=eu" }, /PROBEMESH_LAB_GEOS: "circleci-server" has no vendor geographies to pick \(products with geographies: strongdm, kong-konnect\)/],
    [{ PROBEMESH_LAB_GEOS: "strongdm=uk;strongdm=eu" }, /PROBEMESH_LAB_GEOS: strongdm given twice/],
    [{ PROBEMESH_LAB_GEOS: "strongdm=," }, /PROBEMESH_LAB_GEOS: no geo given for strongdm/],
    [{ PROBEMESH_LAB_GEOS: `strongdm=${"uk,".repeat(200)}` }, /PROBEMESH_LAB_GEOS: longer than 512 characters/],
    [{ PROBEMESH_AGENT_TOKENS: "0123456789abcdef" }, /PROBEMESH_AGENT_TOKENS: expected location:token pairs/],
    [{ PROBEMESH_AGENT_TOKENS: "dc1:short" }, /the token of dc1 must be at least 16 characters/],
    [{ PROBEMESH_AGENT_TOKENS: "dc1:0123456789abcdef,dc1:fedcba9876543210" }, /location dc1 is named twice/],
    [{ PROBEMESH_AGENTS_IN_QUORUM: "maybe" }, /PROBEMESH_AGENTS_IN_QUORUM: expected true or false/],
  ])("rejects %o with a clear message", (env, message) => {
    expect(() => loadSettings(env)).toThrow(ConfigError);
    expect(() => loadSettings(env)).toThrow(message);
  });
});
