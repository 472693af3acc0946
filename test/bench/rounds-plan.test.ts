import { describe, expect, it } from "vitest";
import { ANSWERING, checkSpanMs, CLOSED_PORT, fanOutPlan, invocations, labRecords, roundPlan, SILENT, targetRuleset } from "../../bench/lib/rounds-plan.js";

describe("the rounds bench's plans", () => {
  it("gives every check of a round its own name (no shared probes), a tenth to black-holed hosts, some closed ports", () => {
    const plan = roundPlan(300);
    expect(new Set(plan.checks.map((c) => c.target)).size).toBe(300);
    expect(plan.silentChecks).toBe(30);
    expect(plan.closedChecks).toBe(15);
    const silent = plan.checks.filter((c) => SILENT.includes(plan.records[new URL(c.target).hostname]!));
    expect(silent).toHaveLength(30);
    // Each silent host is named by several checks, so a round learns about it once and the others benefit.
    expect(new Set(silent.map((c) => plan.records[new URL(c.target).hostname])).size).toBe(SILENT.length);
    expect(plan.checks.filter((c) => c.target.endsWith(`:${CLOSED_PORT}`))).toHaveLength(15);
  });

  it("puts every fan-out name behind the same addresses, and probes them at every address or the first", () => {
    const fan = fanOutPlan(3, 4);
    expect(fan.records["f0.fanout.test"]).toEqual(ANSWERING.slice(0, 4));
    expect(fan.every.map((c) => c.target)).toEqual(["tcp://f0.fanout.test:80", "tcp://f1.fanout.test:80", "tcp://f2.fanout.test:80"]);
    expect(fan.first[2]).toEqual({ checkId: "fan-2", target: "tcp://f2.fanout.test:80?addresses=first" });
  });

  it("runs the rounds first, then one unmeasured warm-up pair, then every / first alternated", () => {
    const shape = { planChecks: 20, rounds: 2, fan: { size: 5, addresses: 2, reps: 2 } };
    expect(invocations(shape, true).map((r) => r.label)).toEqual(["round", "round", "warm-up", "warm-up", "every", "first", "every", "first"]);
    expect(invocations(shape, false).map((r) => r.label)).toEqual(["round", "round"]);
    expect(Object.keys(labRecords(shape))).toHaveLength(25);
  });

  it("measures a retried check from its first attempt's start to its last attempt's end", () => {
    expect(checkSpanMs({ at: "2026-01-01T00:00:05.100Z", durationMs: 1000, detail: { retried: [{ at: "2026-01-01T00:00:00.000Z" }] } })).toBe(6100);
    expect(checkSpanMs({ at: "2026-01-01T00:00:00.000Z", durationMs: 12, detail: {} })).toBe(12);
  });

  it("drops the silent hosts at the target and records every SYN's 4-tuple", () => {
    const ruleset = targetRuleset();
    expect(ruleset).toContain("ip daddr 10.79.2.0/24 drop");
    expect(ruleset).toContain("tcp flags & (syn | ack) == syn add @seen { ip saddr . tcp sport . ip daddr . tcp dport }");
  });
});
