import { describe, expect, it } from "vitest";
import { RoundCache } from "./round-cache.js";

describe("RoundCache", () => {
  it("computes once per slot and key, shares concurrent reads, and recomputes when the key changes", async () => {
    const cache = new RoundCache<number>();
    let computed = 0;
    const compute = async () => ++computed;
    const [a, b] = await Promise.all([cache.get("24h", "r1", compute), cache.get("24h", "r1", compute)]);
    expect([a, b, computed]).toEqual([1, 1, 1]);
    expect(await cache.get("7d", "r1", compute)).toBe(2);
    expect(await cache.get("24h", "r2", compute)).toBe(3);
    expect(await cache.get("24h", "r2", compute)).toBe(3);
  });

  it("does not serve a failed read again", async () => {
    const cache = new RoundCache<string>();
    await expect(cache.get("s", "r1", () => Promise.reject(new Error("store down")))).rejects.toThrow("store down");
    expect(await cache.get("s", "r1", async () => "read")).toBe("read");
  });
});
