import type { HourlyCounts } from "@probemesh/core/store";
import { Hono } from "hono";
import * as v from "valibot";
import { shownRegions, type AppDeps } from "../deps.js";
import { documented } from "../openapi/index.js";
import { RoundCache } from "../round-cache.js";
import { Timestamp, type Body } from "../openapi/schemas.js";
import { validate } from "../validate.js";

const HOUR_MS = 3_600_000;
/** The windows the overview offers, in hours: one bar per hour, so the widest stays a few KB per check. */
const WINDOW_HOURS = { "24h": 24, "48h": 48, "7d": 168 } as const;

export const OverviewQuery = v.strictObject({
  window: v.optional(v.picklist(Object.keys(WINDOW_HOURS) as Array<keyof typeof WINDOW_HOURS>), "24h"),
});

/** One hour of one check × region: [pass, fail, inconclusive], or null when nothing ran. */
const HourCellSchema = v.pipe(v.nullable(v.tuple([v.number(), v.number(), v.number()])), v.description("[pass, fail, inconclusive] of one hour, or null when nothing ran"));
export type HourCell = Body<typeof HourCellSchema>;

export const OverviewBody = v.object({
  generatedAt: Timestamp,
  evaluatedAt: v.nullable(Timestamp),
  window: v.picklist(["24h", "48h", "7d"]),
  bucket: v.literal("1h"),
  hours: v.pipe(v.array(Timestamp), v.description("Hour starts, oldest first; every check × region array lines up with it")),
  regions: v.array(v.string()),
  checks: v.array(v.object({ checkId: v.string(), regions: v.record(v.string(), v.array(HourCellSchema)) })),
});

/**
 * Every check's hourly history for the window, aligned to one grid of hours: the status page's
 * first screen in one request. Read with one store call whose cost grows with regions × shards × days
 * (see the store's `hourlyCounts`), never one read per check.
 */
export async function overviewView(deps: AppDeps, window: keyof typeof WINDOW_HOURS, now: Date, evaluatedAt: string | undefined): Promise<Body<typeof OverviewBody>> {
  const hours = WINDOW_HOURS[window];
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const grid = Array.from({ length: hours }, (_, i) => new Date(currentHour - (hours - 1 - i) * HOUR_MS).toISOString());
  const from = grid[0]!;
  const to = now.toISOString();
  const [planned, counts] = await Promise.all([deps.checks(), deps.store.hourlyCounts({ regions: shownRegions(deps), from, to })]);
  const slot = new Map(grid.map((start, i) => [start, i]));
  const rows = new Map<string, Record<string, HourCell[]>>();
  const rowOf = (checkId: string) => {
    let row = rows.get(checkId);
    if (!row) rows.set(checkId, (row = Object.fromEntries(shownRegions(deps).map((region) => [region, grid.map((): HourCell => null)]))));
    return row;
  };
  for (const check of planned) rowOf(check.checkId);
  for (const entry of counts as HourlyCounts[]) {
    const index = slot.get(entry.start);
    const cells = rowOf(entry.checkId)[entry.region];
    if (index === undefined || !cells) continue;
    cells[index] = [entry.counts.pass, entry.counts.fail, entry.counts.inconclusive];
  }
  return {
    generatedAt: to,
    evaluatedAt: evaluatedAt ?? null,
    window,
    bucket: "1h" as const,
    hours: grid,
    regions: shownRegions(deps),
    checks: [...rows].map(([checkId, regions]) => ({ checkId, regions })),
  };
}

/**
 * Results are written in rounds, so an overview holds until the next round is evaluated or the
 * hour turns: every viewer after the first of a round gets it for one GetItem, and viewers asking
 * at the same moment share one computation.
 */
export function overviewRoutes(deps: AppDeps) {
  const cache = new RoundCache<Body<typeof OverviewBody>>();
  return new Hono().get("/v1/overview", OVERVIEW_DOC, validate("query", OverviewQuery), async (c) => {
    const { window } = c.req.valid("query");
    const now = deps.now?.() ?? new Date();
    const evaluatedAt = await deps.store.evaluatedAt();
    const key = `${evaluatedAt ?? "none"}|${Math.floor(now.getTime() / HOUR_MS)}`;
    return c.json(await cache.get(window, key, () => overviewView(deps, window, now, evaluatedAt)));
  });
}

const OVERVIEW_DOC = documented({
  operationId: "getOverview",
  summary: "Every check's hourly pass/fail/inconclusive counts per region for the window (default 24h), from the hourly rollups in one read",
  tag: "read",
  security: "public",
  ok: { status: 200, description: "One grid of hours, one row per check × region", schema: OverviewBody },
  errors: { 400: "Invalid query", 503: true },
});
