import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { activeWindows, coversRegion, instantOf, MaintenanceSchema, type MaintenanceWindow } from "./index.js";

const windows = (input: unknown[]): MaintenanceWindow[] => v.parse(MaintenanceSchema, input);
const kong = { checkId: "k1", target: "tcp://cp.konghq.test:443", product: "kong-konnect", component: "data-plane" };
const at = (iso: string) => new Date(iso);

describe("activeWindows", () => {
  it("is active from start (inclusive) to end (exclusive) of a fixed window", () => {
    const profile = { maintenance: windows([{ name: "upgrade", start: "2026-12-02T14:00Z", end: "2026-12-02T15:00Z" }]) };
    expect(activeWindows(profile, at("2026-12-02T13:59:59Z"), kong)).toEqual([]);
    expect(activeWindows(profile, at("2026-12-02T14:00:00Z"), kong)).toEqual([
      { name: "upgrade", startedAt: "2026-12-02T14:00:00.000Z", endsAt: "2026-12-02T15:00:00.000Z" },
    ]);
    expect(activeWindows(profile, at("2026-12-02T15:00:00Z"), kong)).toEqual([]);
    expect(activeWindows({}, at("2026-12-02T14:30:00Z"), kong)).toEqual([]);
  });

  it("reads wall-clock times in the window's timezone, across daylight saving", () => {
    // Berlin is UTC+1 in winter and UTC+2 in summer.
    const winter = { maintenance: windows([{ start: "2026-12-02T14:00", end: "2026-12-02T15:00", timezone: "Europe/Berlin" }]) };
    expect(activeWindows(winter, at("2026-12-02T13:30:00Z"), kong)).toMatchObject([{ name: "window 1", startedAt: "2026-12-02T13:00:00.000Z" }]);
    expect(activeWindows(winter, at("2026-12-02T14:30:00Z"), kong)).toEqual([]);
    expect(instantOf("2026-07-01T14:00", "Europe/Berlin")).toBe(Date.parse("2026-07-01T12:00:00Z"));
    expect(instantOf("2026-07-01T14:00", "America/New_York")).toBe(Date.parse("2026-07-01T18:00:00Z"));
    expect(instantOf("2026-07-01T14:00+05:30")).toBe(Date.parse("2026-07-01T08:30:00Z"));
    expect(instantOf("2026-07-01T14:00:05.25Z")).toBe(Date.parse("2026-07-01T14:00:05.250Z"));
  });

  it("repeats a cron window for durationMinutes from each start, in its timezone", () => {
    // Saturdays 02:00-04:00 in Berlin: 01:00-03:00 UTC in December, 00:00-02:00 UTC in July.
    const profile = { maintenance: windows([{ name: "weekly", cron: "0 2 * * 6", durationMinutes: 120, timezone: "Europe/Berlin" }]) };
    expect(activeWindows(profile, at("2026-12-05T00:59:00Z"), kong)).toEqual([]);
    expect(activeWindows(profile, at("2026-12-05T01:00:00Z"), kong)).toEqual([
      { name: "weekly", startedAt: "2026-12-05T01:00:00.000Z", endsAt: "2026-12-05T03:00:00.000Z" },
    ]);
    expect(activeWindows(profile, at("2026-12-05T02:59:59Z"), kong)).toHaveLength(1);
    expect(activeWindows(profile, at("2026-12-05T03:00:00Z"), kong)).toEqual([]);
    expect(activeWindows(profile, at("2026-12-06T01:30:00Z"), kong)).toEqual([]);
    expect(activeWindows(profile, at("2026-07-04T00:30:00Z"), kong)).toMatchObject([{ startedAt: "2026-07-04T00:00:00.000Z" }]);
  });

  it("matches product, component, check (id or target) and region; a list means any", () => {
    const always = { start: "2026-01-01T00:00Z", end: "2027-01-01T00:00Z" };
    const profile = {
      maintenance: windows([
        { ...always, name: "kong", match: { product: "kong-konnect" } },
        { ...always, name: "dp", match: { product: "kong-konnect", component: ["control-plane", "data-plane"] } },
        { ...always, name: "by-id", match: { check: "k1" } },
        { ...always, name: "by-target", match: { check: "tcp://cp.konghq.test:443" } },
        { ...always, name: "eu", match: { region: ["eu-west-1"] } },
        { ...always, name: "strongdm", match: { product: "strongdm" } },
      ]),
    };
    const now = at("2026-06-01T00:00:00Z");
    const names = (meta: Parameters<typeof activeWindows>[2]) => activeWindows(profile, now, meta).map((w) => w.name);
    expect(names(kong)).toEqual(["kong", "dp", "by-id", "by-target", "eu"]);
    expect(names({ ...kong, region: "us-east-1" })).toEqual(["kong", "dp", "by-id", "by-target"]);
    expect(names({ ...kong, region: "eu-west-1" })).toContain("eu");
    expect(names({ checkId: "other", product: "strongdm" })).toEqual(["eu", "strongdm"]);
    // Asked without a region, a region-limited window says which regions it covers.
    const eu = activeWindows(profile, now, kong).find((w) => w.name === "eu")!;
    expect(eu.regions).toEqual(["eu-west-1"]);
    expect(coversRegion([eu], "eu-west-1")).toBe(true);
    expect(coversRegion([eu], "us-east-1")).toBe(false);
    expect(coversRegion(activeWindows(profile, now, kong), "us-east-1")).toBe(true);
  });
});

describe("MaintenanceSchema", () => {
  it.each([
    [{ start: "2026-12-02T14:00Z" }, "give start and end, or cron and durationMinutes"],
    [{ cron: "0 2 * * 6" }, "give start and end, or cron and durationMinutes"],
    [{ start: "2026-12-02T14:00Z", end: "2026-12-02T15:00Z", cron: "0 2 * * 6", durationMinutes: 5 }, "give start and end, or cron and durationMinutes"],
    [{ start: "2026-12-02T15:00Z", end: "2026-12-02T14:00Z" }, "end must be after start"],
    [{ start: "tomorrow", end: "2026-12-02T14:00Z" }, "a date-time such as"],
    [{ cron: "0 2 * *", durationMinutes: 60 }, "a five-field cron expression"],
    [{ cron: "0 0 2 * * 6", durationMinutes: 60 }, "a five-field cron expression"],
    [{ cron: "0 2 * * 6", durationMinutes: 60, timezone: "Mars/Olympus" }, "an IANA time zone"],
    [{ cron: "0 2 * * 6", durationMinutes: 0 }, "Invalid value"],
    [{ cron: "0 2 * * 6", durationMinutes: 60, match: { host: "x" } }, "Invalid key"],
  ])("refuses %j", (input, message) => {
    const parsed = v.safeParse(MaintenanceSchema, [input]);
    expect(parsed.success).toBe(false);
    expect(parsed.issues!.map((issue) => issue.message).join(" | ")).toContain(message);
  });

  it("caps the number of windows", () => {
    const many = Array.from({ length: 101 }, () => ({ cron: "0 2 * * 6", durationMinutes: 60 }));
    expect(v.safeParse(MaintenanceSchema, many).success).toBe(false);
  });
});
