import { createHash } from "node:crypto";
import type { ProbeResult } from "../result/index.js";
import { packJson, unpackJson } from "./codec.js";
import { queryAll, type Item, type StoreContext } from "./context.js";
import { hourStart, keys, shardOf, ttlAt } from "./keys.js";

/** Stay well below DynamoDB's 400 KB item limit (keys and attribute names count too). */
const MAX_PACKED_BYTES = 350_000;

/** Identity of a result: the same check, region and start time is the same result. */
export const resultKey = (result: Pick<ProbeResult, "checkId" | "at">) => `${result.checkId}|${result.at}`;

/**
 * Pack one region's results into as few items as possible: one per shard × hour, split
 * further only to stay under the item size limit. The sort key ends with a hash of the
 * result ids it carries, so redelivering the same results rewrites the same item.
 */
export function packRawItems(ctx: Pick<StoreContext, "shards" | "retentionDays">, region: string, roundId: string, results: ProbeResult[]): Item[] {
  const groups = new Map<string, ProbeResult[]>();
  for (const result of results) {
    const group = `${shardOf(result.checkId, ctx.shards)}|${hourStart(result.at)}`;
    const members = groups.get(group);
    if (members) members.push(result);
    else groups.set(group, [result]);
  }
  const items: Item[] = [];
  for (const [group, members] of groups) {
    const shard = Number(group.split("|")[0]);
    const sorted = [...members].sort((a, b) => resultKey(a).localeCompare(resultKey(b)));
    for (const chunk of chunkBySize(sorted)) items.push(rawItem(ctx, region, shard, roundId, chunk));
  }
  return items;
}

function chunkBySize(results: ProbeResult[]): Array<{ results: ProbeResult[]; packed: Uint8Array }> {
  const packed = packJson(results);
  if (packed.byteLength <= MAX_PACKED_BYTES || results.length === 1) return [{ results, packed }];
  const middle = Math.ceil(results.length / 2);
  return [...chunkBySize(results.slice(0, middle)), ...chunkBySize(results.slice(middle))];
}

function rawItem(
  ctx: Pick<StoreContext, "retentionDays">,
  region: string,
  shard: number,
  roundId: string,
  chunk: { results: ProbeResult[]; packed: Uint8Array },
): Item {
  const firstAt = chunk.results.reduce((min, r) => (r.at < min ? r.at : min), chunk.results[0]!.at);
  const idHash = createHash("sha256")
    .update(chunk.results.map(resultKey).join("\n"))
    .digest("base64url")
    .slice(0, 16);
  return {
    pk: keys.raw(region, shard),
    sk: `${firstAt}#${roundId}#${idHash}`,
    n: chunk.results.length,
    r: chunk.packed,
    expiresAt: ttlAt(hourStart(firstAt), ctx.retentionDays + 1 / 24),
  };
}

/**
 * Raw results of one region × shard with `at` in [from, to), each once (a result
 * redelivered under another round id is stored twice but read once).
 */
export async function readRaw(
  ctx: StoreContext,
  region: string,
  shard: number,
  from: string,
  to: string,
  checkId?: string,
): Promise<ProbeResult[]> {
  // An item's results share the hour of its first `at`, so start at that hour.
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: { ":pk": keys.raw(region, shard), ":from": hourStart(from), ":to": to },
  });
  const seen = new Map<string, ProbeResult>();
  for (const item of items) {
    for (const result of unpackJson<ProbeResult[]>(item.r as Uint8Array)) {
      if (result.at < from || result.at >= to) continue;
      if (checkId !== undefined && result.checkId !== checkId) continue;
      seen.set(resultKey(result), result);
    }
  }
  return [...seen.values()].sort((a, b) => a.at.localeCompare(b.at));
}
