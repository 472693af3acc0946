import { describe, expect, it } from "vitest";
import type { ProbeResult } from "@probemesh/core/result";
import { batchesOf } from "./index.js";
import { BatchBuffer } from "./buffer.js";

const batch = (roundId: string) => ({ roundId, results: [] as ProbeResult[] });

describe("BatchBuffer", () => {
  it("keeps the newest batches up to its capacity and counts what it dropped", () => {
    const buffer = new BatchBuffer(2);
    for (const id of ["r1", "r2", "r3"]) buffer.push(batch(id));
    expect(buffer.size).toBe(2);
    expect(buffer.dropped).toBe(1);
  });

  it("delivers oldest first and keeps everything from the first batch that could not go", async () => {
    const buffer = new BatchBuffer(10);
    for (const id of ["r1", "r2", "r3"]) buffer.push(batch(id));
    const seen: string[] = [];
    expect(await buffer.flush(async (b) => (seen.push(b.roundId), b.roundId !== "r2"))).toBe(1);
    expect(seen).toEqual(["r1", "r2"]);
    expect(buffer.size).toBe(2);
    const later: string[] = [];
    expect(await buffer.flush(async (b) => (later.push(b.roundId), true))).toBe(2);
    expect(later).toEqual(["r2", "r3"]);
    expect(buffer.size).toBe(0);
  });

  it("splits a large round into batches with distinct ids", () => {
    const results = Array.from({ length: 4_500 }, (_, i) => ({ checkId: `c${i}` }) as ProbeResult);
    const batches = batchesOf("2026-12-02T15:00:00.000Z", results);
    expect(batches.map((b) => [b.roundId, b.results.length])).toEqual([
      ["2026-12-02T15:00:00.000Z", 2000],
      ["2026-12-02T15:00:00.000Z.2", 2000],
      ["2026-12-02T15:00:00.000Z.3", 500],
    ]);
  });
});
