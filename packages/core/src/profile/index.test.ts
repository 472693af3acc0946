import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProfile, parseProfile, ProfileError } from "./index.js";

describe("profile", () => {
  it("reads YAML and JSON with the same fields", () => {
    const yaml = parseProfile(
      `products: [kong-konnect]
geo: eu
set: { CONTROL_PLANE_DNS_PREFIX: dp1 }
hosts: { gateway: gw.internal, node: [10.0.0.1, 10.0.0.2] }
regions: [us-east-1, eu-west-1]
intervalS: 60
proxy: http://proxy.internal:3128
expectations: [{ target: "tcp://10.9.9.9:22", expect: blocked }]
targets: ["https://status.example.com/health?expect=200-399"]
`,
      "p.yaml",
    );
    const json = parseProfile(JSON.stringify(yaml), "p.json");
    expect(json).toEqual(yaml);
    expect(parseProfile("retries: 0\ncertMinDays: 30\nquorum: 1\nalertOn: any\nexpectations: [{ requirement: x, alertOn: quorum, quorum: 2 }]", "o.yaml")).toMatchObject({
      retries: 0, certMinDays: 30, quorum: 1, alertOn: "any", expectations: [{ requirement: "x", alertOn: "quorum", quorum: 2 }],
    });
    expect(parseProfile("maintenance:\n  - { name: weekly, cron: '0 2 * * 6', durationMinutes: 120, timezone: Europe/Berlin, match: { region: eu-west-1 } }", "m.yaml").maintenance).toEqual([
      { name: "weekly", cron: "0 2 * * 6", durationMinutes: 120, timezone: "Europe/Berlin", match: { region: "eu-west-1" } },
    ]);
    expect(yaml).toMatchObject({ geo: "eu", regions: ["us-east-1", "eu-west-1"], proxy: "http://proxy.internal:3128", hosts: { node: ["10.0.0.1", "10.0.0.2"] } });
  });

  it("fills defaults for an empty profile", () => {
    expect(parseProfile("", "empty.yaml")).toEqual({ products: [], set: {}, hosts: {}, expectations: [], targets: [], watch: [] });
  });

  it.each([
    ["intervalS: fast", /p\.yaml: intervalS: Invalid type/],
    ["regions: [europe]", /p\.yaml: regions\.0: an AWS region/],
    ["expectations: [{ expect: blocked }]", /expectations\.0: give exactly one of requirement or target/],
    ["proxy: socks5://x:1080", /proxy: an http:\/\/host:port proxy URL/],
    ["colour: blue", /colour/],
    ["retries: 6", /retries: Invalid value: Expected <=5/],
    ["retries: 1.5", /retries: Invalid integer/],
    ["certMinDays: -1", /certMinDays: Invalid value/],
    ["quorum: 0", /quorum: Invalid value/],
    ["alertOn: sometimes", /alertOn: Invalid type/],
    ["expectations: [{ target: 'tcp://h:1' }]", /expectations\.0: give at least one of expect, quorum or alertOn/],
    ["expectations: [{ target: 'tcp://h:1', alertOn: all }]", /expectations\.0\.alertOn/],
    ["maintenance: [{ cron: '0 2 * * 6' }]", /maintenance\.0: give start and end, or cron and durationMinutes/],
    ["maintenance: [{ cron: '0 2 * * 6', durationMinutes: 60, timezone: Nowhere/Else }]", /maintenance\.0\.timezone: an IANA time zone/],
    ["targets: [not a uri]", /targets\.0: a target URI/],
    ["products: [a\n  b", /p\.yaml: not valid YAML/],
  ])("names the bad field: %s", (text, message) => {
    expect(() => parseProfile(text, "p.yaml")).toThrow(ProfileError);
    expect(() => parseProfile(text, "p.yaml")).toThrow(message);
  });

  it("loads from a file and reports an unreadable one in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "profile-"));
    writeFileSync(join(dir, "p.json"), '{"products":["strongdm"],"geo":"uk"}');
    await expect(loadProfile(join(dir, "p.json"))).resolves.toMatchObject({ products: ["strongdm"], geo: "uk" });
    await expect(loadProfile(join(dir, "missing.yaml"))).rejects.toThrow(/missing\.yaml: cannot read profile: ENOENT/);
    writeFileSync(join(dir, "bad.json"), "{nope");
    await expect(loadProfile(join(dir, "bad.json"))).rejects.toThrow(/bad\.json: not valid JSON/);
  });
});
