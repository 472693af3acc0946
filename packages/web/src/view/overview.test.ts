import { describe, expect, it } from "vitest";
import type { OverviewResponse } from "../api/index.js";
import { overallUptime } from "./index.js";
import { overviewIndex, overviewSlots } from "./overview.js";

const HOURS = ["2025-06-01T10:00:00.000Z", "2025-06-01T11:00:00.000Z", "2025-06-01T12:00:00.000Z"];

describe("overviewSlots", () => {
  it("makes one slot per hour of the grid, toned by what ran, empty hours as no data", () => {
    const slots = overviewSlots(HOURS, [[3, 0, 0], null, [1, 1, 0]]);
    expect(slots.map((s) => s.tone)).toEqual(["pass", "none", "partial"]);
    expect(slots[0]).toMatchObject({ start: Date.parse(HOURS[0]!), uptime: 1 });
    expect(overallUptime(slots)).toBe(0.8);
    expect(overviewSlots(HOURS, [[0, 0, 2], [0, 2, 0], null]).map((s) => s.tone)).toEqual(["inconclusive", "fail", "none"]);
  });
  it("treats a region missing from the answer as no data", () => {
    expect(overviewSlots(HOURS, undefined).every((s) => s.tone === "none" && s.uptime === null)).toBe(true);
  });
});

describe("overviewIndex", () => {
  it("indexes slots by check and region", () => {
    const overview: OverviewResponse = {
      generatedAt: HOURS[2]!,
      evaluatedAt: null,
      window: "24h",
      bucket: "1h",
      hours: HOURS,
      regions: ["us-east-1"],
      checks: [{ checkId: "a", regions: { "us-east-1": [null, null, [0, 1, 0]] } }],
    };
    expect(overviewIndex(overview).get("a")?.get("us-east-1")?.at(-1)?.tone).toBe("fail");
    expect(overviewIndex(undefined).size).toBe(0);
  });
});
