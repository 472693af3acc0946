import type { Status } from "../result/index.js";
import { closedHour } from "./buckets.js";
import { mapLimit, queryAll, type StoreContext } from "./context.js";
import { addDays, addHours, dayStart, hourStart, keys } from "./keys.js";
import { readRaw } from "./raw.js";
import type { HourlyCounts } from "./types.js";

/**
 * Hourly pass / fail / inconclusive counts of every check × region for hours starting in
 * [from, to): what the status page's first screen draws as history bars, in one read of
 * the whole table's recent history. Per region × shard: one GetItem (last closed hour), one
 * GSI1 Query per day touched (the hourly rollups of every check of that shard and day, the
 * index that closing a day already reads) and one raw Query for the hours not rolled up yet.
 * So the cost grows with regions × shards × days, not with checks × regions.
 */
export async function hourlyCountsOf(ctx: StoreContext, regions: readonly string[], from: string, to: string): Promise<HourlyCounts[]> {
  const firstHour = hourStart(from);
  const parts = regions.flatMap((region) => Array.from({ length: ctx.shards }, (_, shard) => ({ region, shard })));
  const perPart = await mapLimit(parts, 8, async ({ region, shard }) => {
    const counts = new Map<string, HourlyCounts>();
    const add = (checkId: string, start: string, status: Status, n: number) => {
      const key = `${checkId}|${start}`;
      let entry = counts.get(key);
      if (!entry) counts.set(key, (entry = { checkId, region, start, counts: { pass: 0, fail: 0, inconclusive: 0 } }));
      entry.counts[status] += n;
    };
    const closed = await closedHour(ctx, region, shard);
    if (closed !== undefined && firstHour <= closed) {
      for (let day = dayStart(firstHour); day <= closed && day < to; day = addDays(day, 1)) {
        const items = await queryAll(ctx, {
          IndexName: "gsi1",
          KeyConditionExpression: "gsi1pk = :pk",
          ExpressionAttributeValues: { ":pk": keys.hourlyOfDay(region, shard, day) },
          ProjectionExpression: "gsi1sk, c",
        });
        for (const item of items) {
          const sk = item.gsi1sk as string;
          const split = sk.lastIndexOf("#");
          const hour = sk.slice(split + 1);
          if (hour < firstHour || hour > closed || hour >= to) continue;
          const stored = (item.c ?? {}) as Partial<Record<Status, number>>;
          for (const status of ["pass", "fail", "inconclusive"] as const) add(sk.slice(0, split), hour, status, stored[status] ?? 0);
        }
      }
    }
    const openFrom = closed === undefined || addHours(closed, 1) < firstHour ? firstHour : addHours(closed, 1);
    if (openFrom < to) {
      for (const result of await readRaw(ctx, region, shard, openFrom, to)) add(result.checkId, hourStart(result.at), result.status, 1);
    }
    return [...counts.values()];
  });
  return perPart.flat().sort((a, b) => a.checkId.localeCompare(b.checkId) || a.region.localeCompare(b.region) || a.start.localeCompare(b.start));
}
