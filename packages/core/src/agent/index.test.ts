import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { parseProfile } from "../profile/index.js";
import { plan } from "../plan/index.js";
import { AgentHeartbeatSchema, agentRegion, isAgentRegion, locationOf, MAX_BATCH_RESULTS, planForLocation, ResultBatchSchema } from "./index.js";

const PROFILE = `
products: [auth0-private-cloud]
hosts:
  node: [10.0.0.1, 10.0.0.2, 10.0.0.3]
locations:
  auth0-node-1:
    hosts: { node: [10.0.0.2, 10.0.0.3] }
    directions: [internal]
  onprem-dc1:
    products: []
    targets: ["tcp://db.internal.example:5432"]
`;

const result = (over: Record<string, unknown> = {}) => ({
  checkId: "c1",
  target: "tcp://10.0.0.2:22",
  kind: "tcp",
  region: "agent:dc1",
  at: "2026-12-02T15:00:00.000Z",
  status: "pass",
  outcome: "ok",
  durationMs: 3,
  phases: { connectMs: 3 },
  ...over,
});

describe("agent locations", () => {
  it("names a location's region agent:<location> and reads it back", () => {
    expect(agentRegion("onprem-dc1")).toBe("agent:onprem-dc1");
    expect(isAgentRegion("agent:onprem-dc1")).toBe(true);
    expect(isAgentRegion("eu-west-1")).toBe(false);
    expect(locationOf("agent:onprem-dc1")).toBe("onprem-dc1");
    expect(locationOf("eu-west-1")).toBeUndefined();
  });

  it("an Auth0 node's section probes only the other nodes' internal cluster ports", () => {
    const profile = parseProfile(PROFILE, "p.yaml");
    const checks = planForLocation(profile, "auth0-node-1");
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks.map((c) => c.component))).toEqual(new Set(["cluster-nodes"]));
    const hosts = new Set(checks.map((c) => /^\w+:\/\/([^:/]+)/.exec(c.target)![1]));
    expect(hosts).toEqual(new Set(["10.0.0.2", "10.0.0.3"]));
    // The whole profile (what a cloud region gets) also holds ingress and egress rows.
    expect(plan({ profile }).checks.some((c) => c.component === "external")).toBe(true);
  });

  it("a section's products and targets replace the profile's; no section gets the whole plan", () => {
    const profile = parseProfile(PROFILE, "p.yaml");
    expect(planForLocation(profile, "onprem-dc1").map((c) => c.target)).toEqual(["tcp://db.internal.example:5432"]);
    expect(planForLocation(profile, "elsewhere").map((c) => c.checkId)).toEqual(plan({ profile }).checks.map((c) => c.checkId));
  });

  it("the profile refuses a bad location name or direction", () => {
    expect(() => parseProfile("locations: { 'DC 1': {} }", "p.yaml")).toThrow(/location name/);
    expect(() => parseProfile("locations: { dc1: { directions: [sideways] } }", "p.yaml")).toThrow(/directions/);
  });

  it("result batches are validated and capped", () => {
    expect(v.is(ResultBatchSchema, { roundId: "2026-12-02T15:00:00.000Z", results: [result()] })).toBe(true);
    expect(v.is(ResultBatchSchema, { roundId: "r#1", results: [result()] })).toBe(false);
    expect(v.is(ResultBatchSchema, { roundId: "r1", results: [] })).toBe(false);
    expect(v.is(ResultBatchSchema, { roundId: "r1", results: [result({ outcome: "made_up" })] })).toBe(false);
    expect(v.is(ResultBatchSchema, { roundId: "r1", results: [result({ at: "yesterday" })] })).toBe(false);
    const tooMany = Array.from({ length: MAX_BATCH_RESULTS + 1 }, (_, i) => result({ checkId: `c${i}` }));
    expect(v.is(ResultBatchSchema, { roundId: "r1", results: tooMany })).toBe(false);
    expect(v.is(AgentHeartbeatSchema, { at: "2026-12-02T15:00:00.000Z", ok: true, intervalS: 30 })).toBe(true);
    expect(v.is(AgentHeartbeatSchema, { at: "2026-12-02T15:00:00.000Z", ok: true, intervalS: 0 })).toBe(false);
  });
});
