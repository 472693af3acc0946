import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fileSpool, SpoolFullError, type SpooledBatch } from "./index.js";

const batch = (roundId: string): SpooledBatch => ({
  region: "eu-west-1",
  roundId,
  spooledAt: "2026-01-01T00:00:00.000Z",
  results: [{ checkId: "c", target: "tcp://h:1", kind: "tcp", region: "eu-west-1", at: roundId, status: "pass", outcome: "ok", durationMs: 1, phases: {} }],
});

describe("fileSpool", () => {
  it("delivers oldest first and keeps a batch whose delivery failed", async () => {
    const spool = fileSpool(mkdtempSync(join(tmpdir(), "pm-spool-")));
    for (const id of ["r1", "r2", "r3"]) await spool.put(batch(id));
    expect(await spool.depth()).toBe(3);
    const seen: string[] = [];
    await expect(
      spool.drain(async (b) => {
        if (b.roundId === "r2") throw new Error("store down");
        seen.push(b.roundId);
      }),
    ).rejects.toThrow("store down");
    expect(seen).toEqual(["r1"]);
    expect(await spool.depth()).toBe(2);
    expect(await spool.drain(async (b) => void seen.push(b.roundId))).toBe(2);
    expect(seen).toEqual(["r1", "r2", "r3"]);
    expect(await spool.depth()).toBe(0);
  });

  it("concurrent drains deliver each batch once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pm-spool-"));
    const spool = fileSpool(dir);
    for (let i = 0; i < 40; i++) await spool.put(batch(`r${String(i).padStart(2, "0")}`));
    const seen: string[] = [];
    const deliver = async (b: SpooledBatch) => {
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(b.roundId);
    };
    const counts = await Promise.all([fileSpool(dir).drain(deliver), fileSpool(dir).drain(deliver), spool.drain(deliver)]);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(seen.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `r${String(i).padStart(2, "0")}`));
  });

  it("refuses past its bound instead of growing without one", async () => {
    const spool = fileSpool(mkdtempSync(join(tmpdir(), "pm-spool-")), { batches: 2, bytes: 1 << 20 });
    await spool.put(batch("r1"));
    await spool.put(batch("r2"));
    await expect(spool.put(batch("r3"))).rejects.toBeInstanceOf(SpoolFullError);
  });
});
