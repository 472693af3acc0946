import { describe, expect, it } from "vitest";
import { shardOf } from "./keys.js";
import { feedingShards } from "./state.js";

describe("feedingShards", () => {
  it("is the shard itself while one count was ever used", () => {
    expect(feedingShards(5, 32, [32])).toEqual([5]);
    expect(feedingShards(5, 32, [])).toEqual([5]);
  });

  it("names every old item a check of the shard can sit in, and no more than the counts' gcd allows", () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `check-${i}-${(i * 7919) % 1013}`);
    for (const [now, old] of [[32, 4], [4, 32], [8, 3], [6, 4]] as const) {
      for (const id of ids) expect(feedingShards(shardOf(id, now), now, [old])).toContain(shardOf(id, old));
    }
    // 4 → 32: each new shard is fed by one old item; 32 → 4: by 8; coprime counts: by all of them.
    expect(feedingShards(13, 32, [4])).toEqual([1, 13]);
    expect(feedingShards(1, 4, [32])).toEqual([1, 5, 9, 13, 17, 21, 25, 29]);
    expect(feedingShards(2, 3, [8])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
