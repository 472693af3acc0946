/**
 * Cumulative probe counters per region × state shard, kept inside the state item the store
 * already rewrites every round: probes by kind and outcome, and a histogram of probe durations
 * by kind. They only grow, so Prometheus' `rate()` and `histogram_quantile()` work on them; they
 * count a result when it enters the state (newer than the check's last one), so a redelivered
 * batch is not counted twice and they cost no extra write.
 */
import type { Kind, Outcome, ProbeResult } from "../result/index.js";

/** Upper bounds (seconds) of the duration histogram: loopback milliseconds up to multi-second timeouts. */
export const DURATION_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** Counters of one region (or one of its shards): what the store has counted since the first result. */
export interface ProbeCounters {
  /** `${kind}|${outcome}` → probes. */
  probes: Record<string, number>;
  /** kind → probes per duration bucket (not cumulative; the last entry is above the highest bound). */
  buckets: Record<string, number[]>;
  /** kind → sum of probe durations in seconds. */
  seconds: Record<string, number>;
}

/** A region's counters summed over its shards. */
export interface RegionCounters extends ProbeCounters {
  region: string;
}

export function emptyCounters(): ProbeCounters {
  return { probes: {}, buckets: {}, seconds: {} };
}

/** Count one probe result. */
export function countResult(counters: ProbeCounters, result: Pick<ProbeResult, "kind" | "outcome" | "durationMs">): void {
  const key = `${result.kind}|${result.outcome}`;
  counters.probes[key] = (counters.probes[key] ?? 0) + 1;
  const seconds = Math.max(0, result.durationMs) / 1000;
  const buckets = (counters.buckets[result.kind] ??= new Array<number>(DURATION_BOUNDS_S.length + 1).fill(0));
  const index = DURATION_BOUNDS_S.findIndex((bound) => seconds <= bound);
  buckets[index === -1 ? DURATION_BOUNDS_S.length : index]! += 1;
  // Microsecond precision keeps the stored number short (DynamoDB bills numbers by digits).
  counters.seconds[result.kind] = Math.round(((counters.seconds[result.kind] ?? 0) + seconds) * 1e6) / 1e6;
}

/** Add `source` into `target`. */
export function mergeCounters(target: ProbeCounters, source: ProbeCounters): void {
  for (const [key, count] of Object.entries(source.probes)) target.probes[key] = (target.probes[key] ?? 0) + count;
  for (const [kind, counts] of Object.entries(source.buckets)) {
    const into = (target.buckets[kind] ??= new Array<number>(DURATION_BOUNDS_S.length + 1).fill(0));
    counts.forEach((count, i) => (into[i] = (into[i] ?? 0) + count));
  }
  for (const [kind, seconds] of Object.entries(source.seconds)) {
    target.seconds[kind] = Math.round(((target.seconds[kind] ?? 0) + seconds) * 1e6) / 1e6;
  }
}

/** Counters as a stored attribute (a plain map; absent on items written before counters existed). */
export function countersFromAttribute(value: unknown): ProbeCounters {
  const stored = (value ?? {}) as Partial<{ p: Record<string, number>; b: Record<string, number[]>; s: Record<string, number> }>;
  return { probes: { ...stored.p }, buckets: { ...stored.b }, seconds: { ...stored.s } };
}

export function countersAttribute(counters: ProbeCounters): Record<string, unknown> {
  return { p: counters.probes, b: counters.buckets, s: counters.seconds };
}

/** The (kind, outcome, count) rows of a counter set, in a stable order. */
export function probeRows(counters: ProbeCounters): Array<{ kind: Kind; outcome: Outcome; count: number }> {
  return Object.entries(counters.probes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, count]) => {
      const [kind, outcome] = key.split("|") as [Kind, Outcome];
      return { kind, outcome, count };
    });
}
