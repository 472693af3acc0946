import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ProbeResult } from "../result/index.js";
import { nextRegionState, type RegionCounter } from "../verdict/index.js";
import { packJson, unpackJson } from "./codec.js";
import { countersAttribute, countersFromAttribute, countResult, emptyCounters, mergeCounters, type ProbeCounters, type RegionCounters } from "./counters.js";
import { batchGetAll, mapLimit, queryAll, type Item, type StoreContext } from "./context.js";
import { keys, shardOf } from "./keys.js";
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
  return { pk: keys.state(region, shard), sk: keys.stateSk, d: packJson(blob), m: countersAttribute(counters), v: version, updatedAt };
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
  const key = { pk: keys.state(region, shard), sk: keys.stateSk };
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const get = (Key: Record<string, string>) => withRetry("GetItem", ctx.retry, () => ctx.doc.send(new GetCommand({ TableName: ctx.table, Key, ConsistentRead: true })));
    const current = await get(key);
    const version = current.Item?.v as number | undefined;
    // The first write of a shard under its own key starts from the item the shard had under the region's key (if any), so counters keep growing.
    const seed = current.Item ?? (await get({ pk: keys.legacyState(region), sk: keys.legacyShard(shard) })).Item;
    const blob: StateBlob = seed ? unpackJson<StateBlob>(seed.d as Uint8Array) : {};
    const counters = countersFromAttribute(seed?.m);
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

/** A region and the shard counts its writers have used (undefined: only written before the shard moved into the key). */
export interface RegionLayout {
  region: string;
  shards: number[] | undefined;
}

/** Regions that ever wrote results, with their shard counts (one small partition, read with Query). */
export async function regionLayouts(ctx: StoreContext): Promise<RegionLayout[]> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.regions },
  });
  return items.map((item) => ({ region: item.sk as string, shards: item.shards instanceof Set ? [...(item.shards as Set<number>)].map(Number).sort((a, b) => a - b) : undefined }));
}

/** Regions that ever wrote results. */
export async function listRegions(ctx: StoreContext): Promise<string[]> {
  return (await regionLayouts(ctx)).map((layout) => layout.region);
}

/** Records the region and this writer's shard count (readers then know which shard items may exist). */
export async function registerRegion(ctx: StoreContext, region: string): Promise<void> {
  await withRetry("UpdateItem", ctx.retry, () =>
    ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: { pk: keys.regions, sk: region },
        UpdateExpression: "ADD shards :shards",
        ExpressionAttributeValues: { ":shards": new Set([ctx.shards]) },
      }),
    ),
  );
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The shard items that can hold checks of shard `n` (of the store's `shards`) after the count
 * changed: a check with hash h sits in h mod N under an older count N, and h mod N ≡ n modulo
 * gcd(N, shards). With one count ever used, that is item `n` alone.
 */
export function feedingShards(n: number, shards: number, counts: readonly number[]): number[] {
  const found = new Set([n]);
  for (const count of counts) {
    if (count === shards) continue;
    const step = gcd(count, shards);
    for (let a = n % step; a < count; a += step) found.add(a);
  }
  return [...found].sort((a, b) => a - b);
}

/** Whether a region's items may hold a check twice or outside its shard (the count changed, or the items predate the key change). */
const isMixed = (layout: RegionLayout, shards: number) => layout.shards === undefined || layout.shards.some((count) => count !== shards);

/** The state items of one region: `shardNumbers` under their own keys, or the whole region partition written before the key change. */
async function regionItems(ctx: StoreContext, layout: RegionLayout, shardNumbers: number[]): Promise<Item[]> {
  if (layout.shards === undefined) {
    return queryAll(ctx, {
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :shard)",
      ExpressionAttributeValues: { ":pk": keys.legacyState(layout.region), ":shard": "SHARD#" },
    });
  }
  // Only the blob and the counters: the version and update time are for writers.
  return batchGetAll(ctx, shardNumbers.map((shard) => ({ pk: keys.state(layout.region, shard), sk: keys.stateSk })), "d, m");
}

/** Entries of the items; after a count change, only checks of `keep` and each check × region's newest entry. */
function entriesOf(region: string, items: Item[], mixed: boolean, keep?: (checkId: string) => boolean): LatestEntry[] {
  const entries: LatestEntry[] = [];
  const newest = new Map<string, number>();
  for (const item of items) {
    for (const [checkId, entry] of Object.entries(unpackJson<StateBlob>(item.d as Uint8Array))) {
      if (mixed && keep && !keep(checkId)) continue;
      const latest: LatestEntry = {
        checkId,
        region,
        result: entry.result,
        state: entry.state,
        consecutiveFailures: entry.consecutiveFailures,
        consecutivePasses: entry.consecutivePasses,
        since: entry.since,
        ...(entry.lastPassAt ? { lastPassAt: entry.lastPassAt } : {}),
      };
      const seen = mixed ? newest.get(checkId) : undefined;
      if (seen === undefined) {
        if (mixed) newest.set(checkId, entries.length);
        entries.push(latest);
      } else if (entries[seen]!.result.at < latest.result.at) entries[seen] = latest;
    }
  }
  return entries;
}

const byCheckAndRegion = (a: LatestEntry, b: LatestEntry) => a.checkId.localeCompare(b.checkId) || a.region.localeCompare(b.region);

/**
 * Latest result and state of every check in every region, and each region's probe counters:
 * per region one BatchGetItem of its shard items (every shard number any writer's count used).
 */
export async function readState(ctx: StoreContext): Promise<{ latest: LatestEntry[]; counters: RegionCounters[] }> {
  const layouts = await regionLayouts(ctx);
  const perRegion = await mapLimit(layouts, 8, async (layout) => {
    const count = Math.max(ctx.shards, ...(layout.shards ?? []));
    const items = await regionItems(ctx, layout, Array.from({ length: count }, (_, shard) => shard));
    const counters: RegionCounters = { region: layout.region, ...emptyCounters() };
    for (const item of items) mergeCounters(counters, countersFromAttribute(item.m));
    return { latest: entriesOf(layout.region, items, isMixed(layout, ctx.shards)), counters };
  });
  return { latest: perRegion.flatMap((r) => r.latest).sort(byCheckAndRegion), counters: perRegion.map((r) => r.counters) };
}

/**
 * Latest result and state of the checks of one shard in every region: what the evaluation of
 * that shard judges. Reads item `shard` of each region (more only after a shard count change).
 */
export async function readStateShard(ctx: StoreContext, layouts: RegionLayout[], shard: number): Promise<LatestEntry[]> {
  const perRegion = await mapLimit(layouts, 8, async (layout) => {
    const items = await regionItems(ctx, layout, feedingShards(shard, ctx.shards, layout.shards ?? []));
    return entriesOf(layout.region, items, isMixed(layout, ctx.shards), (checkId) => shardOf(checkId, ctx.shards) === shard);
  });
  return perRegion.flat().sort(byCheckAndRegion);
}
