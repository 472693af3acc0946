import { describe, expect, it } from "vitest";
import { LatencySketch } from "./index.js";

/** Deterministic PRNG (mulberry32) so the test set is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Latency-like samples: log-normal body (median ~40 ms) plus a slow tail. */
function samples(count: number): number[] {
  const next = random(42);
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const gaussian = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
    const body = Math.exp(Math.log(40) + 0.6 * gaussian);
    values.push(next() < 0.03 ? body * 20 : body);
  }
  return values;
}

function exactQuantile(sorted: number[], q: number): number {
  // Same rank definition as DDSketch: the value at rank floor(q * (n - 1)).
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe("LatencySketch", () => {
  it("keeps p50/p95/p99 within 2 % of exact after encoding and merging 120 buckets of 120k samples", () => {
    const values = samples(120_000);
    const merged = LatencySketch.empty();
    for (let bucket = 0; bucket < 120; bucket++) {
      const sketch = LatencySketch.empty();
      for (const value of values.slice(bucket * 1000, (bucket + 1) * 1000)) sketch.add(value);
      merged.merge(LatencySketch.decode(sketch.encode()));
    }
    const sorted = [...values].sort((a, b) => a - b);
    expect(merged.count).toBe(120_000);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = exactQuantile(sorted, q);
      const relativeError = Math.abs(merged.quantile(q)! - exact) / exact;
      expect(relativeError, `q=${q}`).toBeLessThanOrEqual(0.02);
    }
    expect(merged.summary().min).toBeCloseTo(sorted[0]!, 1);
    expect(merged.summary().max).toBeCloseTo(sorted.at(-1)!, 1);
  });

  it("encodes compactly and round-trips an empty sketch", () => {
    const sketch = LatencySketch.empty();
    for (const value of samples(1000)) sketch.add(value);
    expect(sketch.encode().byteLength).toBeLessThan(600);
    const empty = LatencySketch.decode(LatencySketch.empty().encode());
    expect(empty.count).toBe(0);
    expect(empty.summary()).toEqual({ count: 0 });
  });

  it("rejects truncated or foreign bytes", () => {
    expect(() => LatencySketch.decode(new Uint8Array([1, 0, 0]))).toThrow(/truncated/);
    expect(() => LatencySketch.decode(new Uint8Array([9]))).toThrow(/unknown format/);
  });
});
