import { describe, expect, it } from "vitest";
import { countersAttribute, countersFromAttribute, countResult, DURATION_BOUNDS_S, emptyCounters, mergeCounters, probeRows } from "./counters.js";

describe("probe counters", () => {
  it("bucket a duration at its upper bound (Prometheus' le), above the last bound into the overflow bucket", () => {
    const counters = emptyCounters();
    for (const durationMs of [5, 5.001, 10_000, 10_001]) countResult(counters, { kind: "tcp", outcome: "ok", durationMs });
    const tcp = counters.buckets.tcp!;
    expect(tcp).toHaveLength(DURATION_BOUNDS_S.length + 1);
    expect([tcp[0], tcp[1], tcp[DURATION_BOUNDS_S.length - 1], tcp[DURATION_BOUNDS_S.length]]).toEqual([1, 1, 1, 1]);
    expect(counters.seconds.tcp).toBeCloseTo(0.005 + 0.005001 + 10 + 10.001, 6);
  });

  it("merge shards by adding, and survive the stored attribute (absent on items older than counters)", () => {
    const a = emptyCounters();
    const b = emptyCounters();
    countResult(a, { kind: "udp", outcome: "udp_no_reply", durationMs: 2000 });
    countResult(b, { kind: "udp", outcome: "udp_no_reply", durationMs: 2000 });
    countResult(b, { kind: "dns", outcome: "ok", durationMs: 1 });
    const total = countersFromAttribute(undefined);
    mergeCounters(total, countersFromAttribute(countersAttribute(a)));
    mergeCounters(total, b);
    expect(probeRows(total)).toEqual([
      { kind: "dns", outcome: "ok", count: 1 },
      { kind: "udp", outcome: "udp_no_reply", count: 2 },
    ]);
    expect(total.buckets.udp?.[DURATION_BOUNDS_S.indexOf(2.5)]).toBe(2);
    expect(total.seconds).toEqual({ udp: 4, dns: 0.001 });
  });
});
