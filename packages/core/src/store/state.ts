import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { ProbeResult } from "../result/index.js";
import { nextRegionState, type RegionCounter } from "../verdict/index.js";
import { packJson, unpackJson } from "./codec.js";
import { countersAttribute, countersFromAttribute, countResult, emptyCounters, mergeCounters, type ProbeCounters, type RegionCounters } from "./counters.js";
import { mapLimit, queryAll, type StoreContext } from "./context.js";
import { keys } from "./keys.js";
import { StoreWriteError, withRetry } from "./retry.js";
import type { LatestEntry, WriteSummary } from "./types.js";

/** Latest result and threshold counter of one check in one region. */
interface StateEntry extends RegionCounter {
  result: ProbeResult;
  /** `at` of the newest passing result (the last-success gauge of /metrics). */
  lastPassAt?: string;
}
/** Check id → its latest result and counter: one region × shard. */
export type StateBlob = Record<string, StateEntry>;

/** The region × shard state item as stored (the cost estimate sizes this same item). */
export function stateItem(region: string, shard: number, blob: StateBlob, version: number, updatedAt: string, counters: ProbeCounters) {
  return { pk: keys.state(region), sk: keys.stateShard(shard), d: packJson(blob), m: countersAttribute(counters), v: version, updatedAt };
}

/** A blob holding each result as its check's first one (what a steady round rewrites, sized like it). */
export function firstStateBlob(results: ProbeResult[], thresholds: StoreContext["thresholds"]): StateBlob {
  return Object.fromEntries(results.map((result) => [result.checkId, entryOf(undefined, nextRegionState(undefined, result, thresholds), result)]));
}

/** Counters after one steady round of `results` (what a state item carries, for the cost estimate). */
export function roundCounters(results: ProbeResult[]): ProbeCounters {
  const counters = emptyCounters();
  for (const result of results) countResult(counters, result);
  return counters;
}

function entryOf(previous: StateEntry | undefined, counter: RegionCounter, result: ProbeResult): StateEntry {
  const lastPassAt = result.status === "pass" ? result.at : previous?.lastPassAt;
  return { ...counter, result, ...(lastPassAt ? { lastPassAt } : {}) };
}

/** The state blob must fit one item; beyond this, raise the store's `shards`. */
const MAX_STATE_BYTES = 380_000;
const MAX_CONFLICTS = 10;

/**
 * Fold results into the region × shard state blob (read, fold, conditional put on a
 * version number, retry on a concurrent writer). Redelivered results change nothing and
 * cost no write. Returns the region-state transitions and whether the blob is new.
 */
export async function updateState(
  ctx: StoreContext,
  region: string,
  shard: number,
  results: ProbeResult[],
): Promise<{ transitions: WriteSummary["transitions"]; created: boolean }> {
  const key = { pk: keys.state(region), sk: keys.stateShard(shard) };
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const current = await withRetry("GetItem", ctx.retry, () =>
      ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: true })),
    );
    const version = current.Item?.v as number | undefined;
    const blob: StateBlob = current.Item ? unpackJson<StateBlob>(current.Item.d as Uint8Array) : {};
    const counters = countersFromAttribute(current.Item?.m);
    const transitions: WriteSummary["transitions"] = [];
    let changed = false;
    for (const result of [...results].sort((a, b) => a.at.localeCompare(b.at))) {
      const previous = blob[result.checkId];
      const next = nextRegionState(previous, result, ctx.thresholds);
      if (previous && next === previous) continue;
      changed = true;
      const from = previous?.state ?? "unknown";
      if (next.state !== from) transitions.push({ checkId: result.checkId, from, to: next.state, at: result.at });
      blob[result.checkId] = entryOf(previous, next, result);
      countResult(counters, result);
    }
    if (!changed) return { transitions: [], created: false };
    const item = stateItem(region, shard, blob, (version ?? 0) + 1, ctx.now().toISOString(), counters);
    if (item.d.byteLength > MAX_STATE_BYTES) {
      throw new Error(`region state ${region}/${shard} is ${item.d.byteLength} bytes: create the store with more shards`);
    }
    try {
      await withRetry("PutItem", ctx.retry, () =>
        ctx.doc.send(
          new PutCommand({
            TableName: ctx.table,
            Item: item,
            ConditionExpression: version === undefined ? "attribute_not_exists(pk)" : "v = :v",
            ExpressionAttributeValues: version === undefined ? undefined : { ":v": version },
          }),
        ),
      );
      return { transitions, created: version === undefined };
    } catch (error) {
      if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
    }
  }
  throw new StoreWriteError(`region state ${region}/${shard}: too many concurrent writers`, results.length);
}

/** Regions that ever wrote results (one small partition, read with Query). */
export async function listRegions(ctx: StoreContext): Promise<string[]> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.regions },
  });
  return items.map((item) => item.sk as string);
}

export async function registerRegion(ctx: StoreContext, region: string): Promise<void> {
  await withRetry("PutItem", ctx.retry, () =>
    ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { pk: keys.regions, sk: region } })),
  );
}

/** Latest result and state of every check in every region, and each region's probe counters: one Query per region. */
export async function readState(ctx: StoreContext): Promise<{ latest: LatestEntry[]; counters: RegionCounters[] }> {
  const regions = await listRegions(ctx);
  const perRegion = await mapLimit(regions, 8, async (region) => {
    const items = await queryAll(ctx, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :shard)",
      ExpressionAttributeValues: { ":pk": keys.state(region), ":shard": "SHARD#" },
    });
    const counters: RegionCounters = { region, ...emptyCounters() };
    for (const item of items) mergeCounters(counters, countersFromAttribute(item.m));
    const latest = items.flatMap((item) =>
      Object.entries(unpackJson<StateBlob>(item.d as Uint8Array)).map(
        ([checkId, entry]): LatestEntry => ({
          checkId,
          region,
          result: entry.result,
          state: entry.state,
          consecutiveFailures: entry.consecutiveFailures,
          consecutivePasses: entry.consecutivePasses,
          since: entry.since,
          ...(entry.lastPassAt ? { lastPassAt: entry.lastPassAt } : {}),
        }),
      ),
    );
    return { latest, counters };
  });
  return {
    latest: perRegion.flatMap((r) => r.latest).sort((a, b) => a.checkId.localeCompare(b.checkId) || a.region.localeCompare(b.region)),
    counters: perRegion.map((r) => r.counters),
  };
}
