/**
 * DynamoDB single-table results store. See ./README.md for the access patterns, keys
 * and the cost arithmetic.
 */
import { driftSources, recordDrift } from "./drift.js";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { OUTCOMES, type ProbeResult } from "../result/index.js";
import { DEFAULT_THRESHOLDS } from "../verdict/index.js";
import { closeDueBuckets, closedHour, dailyHistory, hourlyHistory } from "./buckets.js";
import { mapLimit, type StoreContext } from "./context.js";
import { evaluate, incidentsBetween, readEvaluatedAt, readVerdictModel } from "./evaluate.js";
import { hourlyCountsOf } from "./overview.js";
import * as extras from "./extras.js";
import { canonicalTime, dayStart, hourStart, shardOf } from "./keys.js";
import { packRawItems, resultKey, readRaw } from "./raw.js";
import { batchPutAll, DEFAULT_RETRY, StoreInputError, type RetryOptions } from "./retry.js";
import { toBucket, rollupBy } from "./rollup.js";
import { listRegions, readState, registerRegion, updateState } from "./state.js";
import type { HistoryBucket, HistoryQuery, Store, Thresholds, WriteSummary } from "./types.js";

export type * from "./types.js";
export { TABLE_SCHEMA } from "./schema.js";
export { shardOf } from "./keys.js";
export { DURATION_BOUNDS_S, probeRows, type ProbeCounters, type RegionCounters } from "./counters.js";
export { ensureTable } from "./table.js";
export { isStoreUnavailable, StoreInputError, StoreWriteError, type RetryOptions } from "./retry.js";
export { itemBytes, readUnitsOf, roundItems, writeUnitsOf, type RoundItems } from "./size.js";

export interface StoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Days raw results are kept (DynamoDB TTL). Default 30. */
  retentionDays?: number;
  /** Days hourly rollups are kept. Default 90. */
  hourlyRetentionDays?: number;
  /** Days daily rollups are kept. Default 400. */
  dailyRetentionDays?: number;
  /** Per check × region: failures to go down, passes to recover. Default 2 / 2. */
  thresholds?: Thresholds;
  now?: () => Date;
  /**
   * Partitions per region for raw results and region state. A state shard holds roughly
   * 3,000–5,000 checks (≤ 380 KB compressed); default 4 fits ~12,000 checks per region.
   */
  shards?: number;
  retry?: Partial<RetryOptions>;
  /** Wait this long after an hour ends before rolling it up. Default 5 minutes. */
  closeGraceMs?: number;
}

const STATUSES = new Set(["pass", "fail", "inconclusive"]);
const OUTCOME_SET = new Set<string>(OUTCOMES);

/** Check one result and return it with a canonical `at`; throws StoreInputError. */
function validResult(region: string, result: ProbeResult): ProbeResult {
  const at = typeof result?.at === "string" ? canonicalTime(result.at) : undefined;
  const problem =
    typeof result?.checkId !== "string" || result.checkId === "" || result.checkId.includes("#")
      ? "checkId must be a non-empty string without '#'"
      : at === undefined
        ? "at must be an ISO time"
        : result.region !== region
          ? `region ${JSON.stringify(result.region)} does not match ${JSON.stringify(region)}`
          : !STATUSES.has(result.status)
            ? `status ${JSON.stringify(result.status)} is not pass|fail|inconclusive`
            : !OUTCOME_SET.has(result.outcome)
              ? `outcome ${JSON.stringify(result.outcome)} is unknown`
              : typeof result.durationMs !== "number" || !Number.isFinite(result.durationMs)
                ? "durationMs must be a number"
                : undefined;
  if (problem) throw new StoreInputError(`invalid result${result?.checkId ? ` ${result.checkId}` : ""}: ${problem}`);
  return { ...result, at: at! };
}

function validQuery(q: HistoryQuery): { from: string; to: string } {
  const from = canonicalTime(q.from);
  const to = canonicalTime(q.to);
  if (!from || !to) throw new StoreInputError("from and to must be ISO times");
  if (from >= to) throw new StoreInputError("from must be before to");
  if (!["raw", "1h", "1d"].includes(q.bucket)) throw new StoreInputError("bucket must be raw, 1h or 1d");
  return { from, to };
}

/** A Store on one DynamoDB table (create it with `ensureTable` locally; SST on AWS). */
export function createStore(opts: StoreOptions): Store {
  const ctx: StoreContext = {
    doc: DynamoDBDocumentClient.from(opts.client, { marshallOptions: { removeUndefinedValues: true } }),
    table: opts.tableName,
    shards: opts.shards ?? 4,
    retentionDays: opts.retentionDays ?? 30,
    hourlyRetentionDays: opts.hourlyRetentionDays ?? 90,
    dailyRetentionDays: opts.dailyRetentionDays ?? 400,
    thresholds: opts.thresholds ?? DEFAULT_THRESHOLDS,
    now: opts.now ?? (() => new Date()),
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    closeGraceMs: opts.closeGraceMs ?? 5 * 60_000,
    closedCache: new Map(),
  };
  const registered = new Set<string>();

  async function writeResults(region: string, roundId: string, input: ProbeResult[]): Promise<WriteSummary> {
    if (typeof region !== "string" || region === "" || region.includes("#")) {
      throw new StoreInputError("region must be a non-empty string without '#'");
    }
    const unique = new Map<string, ProbeResult>();
    for (const result of input) {
      const valid = validResult(region, result);
      unique.set(resultKey(valid), valid);
    }
    const results = [...unique.values()];
    const summary: WriteSummary = {
      written: results.length,
      duplicates: input.length - results.length,
      rawItems: 0,
      bucketsClosed: 0,
      transitions: [],
    };
    if (results.length === 0) return summary;
    const rawItems = packRawItems(ctx, region, roundId, results);
    await batchPutAll(ctx.doc, ctx.table, rawItems, ctx.retry);
    summary.rawItems = rawItems.length;
    if (!registered.has(region)) {
      await registerRegion(ctx, region);
      registered.add(region);
    }
    const byShard = new Map<number, ProbeResult[]>();
    for (const result of results) {
      const shard = shardOf(result.checkId, ctx.shards);
      const members = byShard.get(shard);
      if (members) members.push(result);
      else byShard.set(shard, [result]);
    }
    await mapLimit([...byShard], 4, async ([shard, members]) => {
      const { transitions } = await updateState(ctx, region, shard, members);
      summary.transitions.push(...transitions);
      const hours = new Set(members.map((r) => hourStart(r.at)));
      summary.bucketsClosed += await closeDueBuckets(ctx, region, shard, hours);
    });
    return summary;
  }

  async function history(q: HistoryQuery): Promise<HistoryBucket[]> {
    const { from, to } = validQuery(q);
    const shard = shardOf(q.checkId, ctx.shards);
    const regions = q.region ? [q.region] : await listRegions(ctx);
    const perRegion = await mapLimit(regions, 8, async (region): Promise<HistoryBucket[]> => {
      if (q.bucket === "raw") {
        const raw = await readRaw(ctx, region, shard, from, to, q.checkId);
        return raw.map((result) => toBucket(region, result.at, "raw", rollupBy([result], () => 0).get(0)!));
      }
      const closed = await closedHour(ctx, region, shard);
      const rollups =
        q.bucket === "1h"
          ? await hourlyHistory(ctx, q.checkId, region, shard, from, to, closed)
          : await dailyHistory(ctx, q.checkId, region, shard, from, to, closed);
      const first = q.bucket === "1h" ? hourStart(from) : dayStart(from);
      return [...rollups]
        .filter(([start]) => start >= first && start < to)
        .map(([start, rollup]) => toBucket(region, start, q.bucket, rollup));
    });
    return perRegion.flat().sort((a, b) => a.start.localeCompare(b.start) || a.region.localeCompare(b.region));
  }

  return {
    writeResults,
    latest: async () => (await readState(ctx)).latest,
    snapshot: () => readState(ctx),
    history,
    hourlyCounts: async (q) => {
      const from = canonicalTime(q.from);
      const to = canonicalTime(q.to);
      if (!from || !to || from >= to) throw new StoreInputError("from and to must be ISO times, from before to");
      return hourlyCountsOf(ctx, q.regions, from, to);
    },
    recordHeartbeat: (h) => extras.recordHeartbeat(ctx, h),
    heartbeats: () => extras.heartbeats(ctx),
    recordAlertDelivery: (delivery) => extras.recordAlertDelivery(ctx, delivery),
    alertDeliveries: () => extras.alertDeliveries(ctx),
    evaluate: async (evaluateOptions) => evaluate(ctx, evaluateOptions, await extras.heartbeats(ctx)),
    verdicts: () => readVerdictModel(ctx),
    evaluatedAt: () => readEvaluatedAt(ctx),
    incidents: (q) => {
      const from = canonicalTime(q.from);
      const to = canonicalTime(q.to);
      if (!from || !to || from >= to) throw new StoreInputError("from and to must be ISO times, from before to");
      return incidentsBetween(ctx, from, to);
    },
    createProbe: (req) => extras.createProbe(ctx, req),
    addProbeResults: (id, region, results) => extras.addProbeResults(ctx, id, region, results),
    getProbe: (id) => extras.getProbe(ctx, id),
    claimOnce: (key, ttlSeconds) => extras.claimOnce(ctx, key, ttlSeconds),
    hit: (key, windowSeconds) => extras.hit(ctx, key, windowSeconds),
    recordDrift: (source) => recordDrift(ctx, source),
    driftSources: () => driftSources(ctx),
  };
}
