import type { Check } from "@probemesh/core/check";
import { shardOf } from "@probemesh/core/store";
import { describe, expect, it } from "vitest";
import { estimateMs, planShards } from "./shards.js";

const checks = (n: number, target = (i: number) => `tcp://10.0.${Math.floor(i / 250)}.${i % 250}:443`): Check[] =>
  Array.from({ length: n }, (_, i) => ({ checkId: `c${i}`, target: target(i) }));

const base = { budgetMs: 50_000, concurrency: 32, timeoutMs: 5_000, storeShards: 16 };

describe("planShards", () => {
  it("keeps a small plan in one invocation, even when a probe's timeout exceeds the budget's share", () => {
    expect(planShards(checks(100), base)).toHaveLength(1);
    expect(planShards(checks(11), { ...base, budgetMs: 4_000 })).toHaveLength(1);
  });

  it("sizes invocations by estimated time, not count: silent UDP costs its timeout", () => {
    const tcp = planShards(checks(1_500), base);
    const udp = planShards(checks(1_500, (i) => `udp://10.1.${Math.floor(i / 250)}.${i % 250}:53`), base);
    expect(tcp).toHaveLength(1);
    // 1,500 × 5 s / 32 in flight = 234 s of work; 25 s of room per invocation.
    expect(udp.length).toBeGreaterThanOrEqual(10);
    for (const plan of udp) expect(plan.reduce((ms, c) => ms + estimateMs(c, base.timeoutMs), 0) / base.concurrency).toBeLessThanOrEqual(25_000);
  });

  it("caps an invocation's plan at maxChecks (payload far below Lambda's 6 MB) and loses no check", () => {
    const plans = planShards(checks(100_000), base);
    expect(Math.max(...plans.map((p) => p.length))).toBeLessThanOrEqual(2_000);
    expect(plans.flat().map((c) => c.checkId).sort()).toEqual(checks(100_000).map((c) => c.checkId).sort());
    expect(Buffer.byteLength(JSON.stringify({ checks: plans[0] }))).toBeLessThan(600_000);
  });

  it("keeps each store shard's checks together when they fit, so invocations do not contend for one state item", () => {
    const plans = planShards(checks(8_000), { ...base, storeShards: 16 });
    const owners = new Map<number, Set<number>>();
    plans.forEach((plan, i) => {
      for (const check of plan) owners.set(shardOf(check.checkId, 16), (owners.get(shardOf(check.checkId, 16)) ?? new Set()).add(i));
    });
    expect([...owners.values()].every((set) => set.size === 1)).toBe(true);
  });

  it("costs a port range by its ports", () => {
    expect(estimateMs({ target: "tcp://h:1-65535" }, 1000)).toBeGreaterThan(estimateMs({ target: "tcp://h:443" }, 1000) * 100);
  });
});
