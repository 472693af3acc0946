import { describe, expect, it } from "vitest";
import { regionBadges } from "./matrix.js";

const at = "2026-12-03T18:00:00.000Z";

describe("regionBadges", () => {
  it("an agent location says what waits in its buffer and, in the fail tone, what it dropped", () => {
    expect(regionBadges({ region: "agent:dc-1", agent: true, lastRoundAt: at, ok: true, stale: false, buffered: 2, dropped: 3 })).toEqual([
      { tone: "tone-none", icon: "⌂", text: "agent, 2 batches waiting", name: "agent" },
      { tone: "tone-fail", icon: "✕", text: "3 batches lost (buffer full)", name: "dropped" },
    ]);
    expect(regionBadges({ region: "agent:dc-1", agent: true, lastRoundAt: at, ok: true, stale: false, dropped: 1 }).map((b) => b.text)).toEqual(["agent", "1 batch lost (buffer full)"]);
  });

  it("a cloud region: nothing when fresh, stale or a failed round otherwise, and a column with no region is not reporting", () => {
    expect(regionBadges({ region: "us-east-1", lastRoundAt: at, ok: true, stale: false })).toEqual([]);
    expect(regionBadges({ region: "us-east-1", lastRoundAt: at, ok: false, stale: true }).map((b) => b.text)).toEqual(["stale", "last round failed"]);
    expect(regionBadges(undefined)).toEqual([{ tone: "tone-none", icon: "?", text: "not reporting" }]);
  });
});
