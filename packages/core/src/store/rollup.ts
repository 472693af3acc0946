import type { Outcome, ProbeResult, Status } from "../result/index.js";
import { LatencySketch } from "../sketch/index.js";
import type { HistoryBucket } from "./types.js";

/** Counts per status and outcome plus a latency sketch: what one bucket knows. */
export interface Rollup {
  counts: Record<Status, number>;
  outcomes: Partial<Record<Outcome, number>>;
  /** Latency of passing results only: a timeout's duration is the timeout, not a latency. */
  latency: LatencySketch;
}

export function emptyRollup(): Rollup {
  return { counts: { pass: 0, fail: 0, inconclusive: 0 }, outcomes: {}, latency: LatencySketch.empty() };
}

export function addResult(rollup: Rollup, result: ProbeResult): void {
  rollup.counts[result.status] += 1;
  rollup.outcomes[result.outcome] = (rollup.outcomes[result.outcome] ?? 0) + 1;
  if (result.status === "pass") rollup.latency.add(result.durationMs);
}

export function mergeInto(target: Rollup, source: Rollup): void {
  for (const status of Object.keys(source.counts) as Status[]) target.counts[status] += source.counts[status];
  for (const [outcome, count] of Object.entries(source.outcomes) as Array<[Outcome, number]>) {
    target.outcomes[outcome] = (target.outcomes[outcome] ?? 0) + count;
  }
  target.latency.merge(source.latency);
}

export function toBucket(region: string, start: string, bucket: HistoryBucket["bucket"], rollup: Rollup): HistoryBucket {
  return {
    region,
    start,
    bucket,
    counts: { ...rollup.counts },
    outcomes: { ...rollup.outcomes },
    latency: rollup.latency.summary(),
  };
}

/** Rollup attributes as stored: c = counts, o = outcomes, l = encoded sketch. */
export function rollupAttributes(rollup: Rollup): Record<string, unknown> {
  return { c: rollup.counts, o: rollup.outcomes, l: rollup.latency.encode() };
}

export function rollupFromAttributes(item: Record<string, unknown>): Rollup {
  return {
    counts: { ...emptyRollup().counts, ...(item.c as Partial<Record<Status, number>>) },
    outcomes: { ...(item.o as Partial<Record<Outcome, number>>) },
    latency: LatencySketch.decode(item.l as Uint8Array),
  };
}

/** Aggregate results into one rollup per key (e.g. per check, or per check × hour). */
export function rollupBy<K>(results: Iterable<ProbeResult>, keyOf: (result: ProbeResult) => K): Map<K, Rollup> {
  const rollups = new Map<K, Rollup>();
  for (const result of results) {
    const key = keyOf(result);
    let rollup = rollups.get(key);
    if (!rollup) rollups.set(key, (rollup = emptyRollup()));
    addResult(rollup, result);
  }
  return rollups;
}
