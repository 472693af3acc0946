import type { Check } from "@probemesh/core/check";
import type { LatestEntry } from "@probemesh/core/store";
import { readVerdicts } from "@probemesh/core/verdict";
import { Hono } from "hono";
import * as v from "valibot";
import { shownRegions, type AppDeps } from "../deps.js";
import { BadRequest, NotFound } from "../errors/index.js";
import { IsoTime, validate, type RouteDoc } from "../validate.js";

const DAY_MS = 86_400_000;
/** Widest window per bucket: raw rows are many, rollups are few. */
const MAX_RANGE_MS = { raw: 2 * DAY_MS, "1h": 31 * DAY_MS, "1d": 400 * DAY_MS } as const;

export const CheckIdParams = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a check id (letters, digits, - and _)")),
});

export const HistoryQuery = v.strictObject({
  from: v.optional(IsoTime),
  to: v.optional(IsoTime),
  region: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region name"))),
  bucket: v.optional(v.picklist(["raw", "1h", "1d"]), "1h"),
});

/** Checks known from the plan and from the store, labelled, with per-region latest results. */
export async function checkViews(deps: AppDeps) {
  const [planned, latest, model] = await Promise.all([deps.checks(), deps.store.latest(), deps.store.verdicts()]);
  const reading = readVerdicts(model, shownRegions(deps), deps.now?.() ?? new Date(), deps.staleAfterMs);
  const byId = new Map<string, { check: Check; entries: LatestEntry[] }>();
  for (const check of planned) byId.set(check.checkId, { check, entries: [] });
  for (const entry of latest) {
    const known = byId.get(entry.checkId);
    if (known) known.entries.push(entry);
    else byId.set(entry.checkId, { check: { checkId: entry.checkId, target: entry.result.target }, entries: [entry] });
  }
  return [...byId.values()].map(({ check, entries }) => {
    const judged = reading.verdictOf(check.checkId);
    return {
    checkId: check.checkId,
    label: check.label ?? check.target,
    product: check.product ?? null,
    component: check.component ?? null,
    level: check.level ?? null,
    target: check.target,
    verdict: judged.verdict,
    regions: Object.fromEntries(
      entries.map((entry) => [
        entry.region,
        {
          status: entry.result.status,
          outcome: entry.result.outcome,
          durationMs: entry.result.durationMs,
          at: entry.result.at,
          state: entry.state,
          since: entry.since,
          stale: judged.regions[entry.region] === "stale",
          detail: entry.result.detail ?? null,
        },
      ]),
    ),
  };
  });
}

export function checksRoutes(deps: AppDeps): Hono {
  return new Hono()
    .get("/v1/checks", async (c) => c.json({ checks: await checkViews(deps) }))
    .get("/v1/checks/:id/history", validate("param", CheckIdParams), validate("query", HistoryQuery), async (c) => {
      const { id } = c.req.valid("param");
      const query = c.req.valid("query");
      const now = deps.now?.() ?? new Date();
      const to = query.to ? new Date(query.to) : now;
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - DAY_MS);
      if (!(from < to)) throw new BadRequest("`from` must be before `to`", "invalid_range");
      if (to.getTime() - from.getTime() > MAX_RANGE_MS[query.bucket]) {
        throw new BadRequest(`range too wide for bucket ${query.bucket}: at most ${MAX_RANGE_MS[query.bucket] / DAY_MS} days`, "invalid_range");
      }
      const [planned, latest] = await Promise.all([deps.checks(), deps.store.latest()]);
      if (!planned.some((check) => check.checkId === id) && !latest.some((entry) => entry.checkId === id)) {
        throw new NotFound(`no check with id ${id}`);
      }
      const series = await deps.store.history({
        checkId: id,
        from: from.toISOString(),
        to: to.toISOString(),
        bucket: query.bucket,
        ...(query.region ? { region: query.region } : {}),
      });
      return c.json({ checkId: id, bucket: query.bucket, from: from.toISOString(), to: to.toISOString(), series });
    });
}

export const checksDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/checks",
    summary: "Current status of every check, per region",
    responses: { 200: "{ checks: [{ checkId, label, product, component, level, target, verdict, regions: { [region]: { status, outcome, durationMs, at, state, since, stale, detail } } }] }" },
  },
  {
    method: "get",
    path: "/v1/checks/{id}/history",
    summary: "History of one check from rollups (1h, 1d) or raw results; default the last 24 h in 1h buckets",
    params: CheckIdParams,
    query: HistoryQuery,
    responses: { 200: "{ checkId, bucket, from, to, series: HistoryBucket[] }", 400: "Invalid query", 404: "Unknown check" },
  },
];
