import type { Check } from "@probemesh/core/check";
import type { LatestEntry } from "@probemesh/core/store";
import { RegionNameSchema } from "@probemesh/core/region";
import { readVerdicts } from "@probemesh/core/verdict";
import { Hono } from "hono";
import * as v from "valibot";
import { shownRegions, type AppDeps } from "../deps.js";
import { BadRequest, NotFound } from "../errors/index.js";
import { documented } from "../openapi/index.js";
import { OutcomeCounts, OutcomeSchema, RegionStateSchema, StatusCounts, StatusSchema, Timestamp, VerdictSchema, type Body } from "../openapi/schemas.js";
import { IsoTime, validate } from "../validate.js";

const DAY_MS = 86_400_000;
/** Widest window per bucket: raw rows are many, rollups are few. */
const MAX_RANGE_MS = { raw: 2 * DAY_MS, "1h": 31 * DAY_MS, "1d": 400 * DAY_MS } as const;

export const CheckIdParams = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, "must be a check id (letters, digits, - and _)")),
});

export const HistoryQuery = v.strictObject({
  from: v.optional(IsoTime),
  to: v.optional(IsoTime),
  // Agent locations have history too (`agent:<location>`), not only the probe regions.
  region: v.optional(RegionNameSchema),
  bucket: v.optional(v.picklist(["raw", "1h", "1d"]), "1h"),
});

/** One check's latest result in one region, after the thresholds. */
const RegionCellSchema = v.object({
  status: StatusSchema,
  outcome: OutcomeSchema,
  durationMs: v.number(),
  at: Timestamp,
  state: RegionStateSchema,
  since: v.pipe(Timestamp, v.description("When `state` last changed")),
  stale: v.boolean(),
  detail: v.nullable(v.record(v.string(), v.unknown())),
});

export const CheckViewSchema = v.pipe(
  v.object({
    checkId: v.string(),
    label: v.string(),
    product: v.nullable(v.string()),
    component: v.nullable(v.string()),
    level: v.nullable(v.picklist(["required", "optional", "conditional"])),
    target: v.string(),
    verdict: VerdictSchema,
    regions: v.record(v.string(), RegionCellSchema),
  }),
  v.metadata({ ref: "CheckView" }),
);
export const ChecksBody = v.object({ checks: v.array(CheckViewSchema) });

export const HistoryBucketSchema = v.pipe(
  v.object({
    region: v.string(),
    start: Timestamp,
    bucket: v.picklist(["raw", "1h", "1d"]),
    counts: StatusCounts,
    outcomes: OutcomeCounts,
    latency: v.object({
      count: v.number(),
      p50: v.optional(v.number()),
      p95: v.optional(v.number()),
      p99: v.optional(v.number()),
      min: v.optional(v.number()),
      max: v.optional(v.number()),
    }),
  }),
  v.description("One rollup bucket (for raw, one result in the same shape); latencies in ms"),
  v.metadata({ ref: "HistoryBucket" }),
);
export const HistoryBody = v.object({ checkId: v.string(), bucket: v.picklist(["raw", "1h", "1d"]), from: Timestamp, to: Timestamp, series: v.array(HistoryBucketSchema) });

/** Checks known from the plan and from the store, labelled, with per-region latest results. */
export async function checkViews(deps: AppDeps): Promise<Body<typeof CheckViewSchema>[]> {
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

export function checksRoutes(deps: AppDeps) {
  return new Hono()
    .get(
      "/v1/checks",
      documented({
        operationId: "listChecks",
        summary: "Current status of every check, per region",
        tag: "read",
        security: "public",
        ok: { status: 200, description: "Every planned or stored check with its latest result per region", schema: ChecksBody },
        errors: { 503: true },
      }),
      async (c) => {
        const body: Body<typeof ChecksBody> = { checks: await checkViews(deps) };
        return c.json(body);
      },
    )
    .get("/v1/checks/:id/history", HISTORY_DOC, validate("param", CheckIdParams), validate("query", HistoryQuery), async (c) => {
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
      const body: Body<typeof HistoryBody> = { checkId: id, bucket: query.bucket, from: from.toISOString(), to: to.toISOString(), series };
      return c.json(body);
    });
}

const HISTORY_DOC = documented({
  operationId: "getCheckHistory",
  summary: "History of one check from rollups (1h, 1d) or raw results; default the last 24 h in 1h buckets",
  tag: "read",
  security: "public",
  ok: { status: 200, description: "The series of the range, per region", schema: HistoryBody },
  errors: { 400: "Invalid id, query or range (too wide for the bucket)", 404: "Unknown check", 503: true },
});
