import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ProbeResult } from "../result/index.js";
import { queryAll, type Item, type StoreContext } from "./context.js";
import { addDays, addHours, dayStart, hourStart, keys, ttlAt } from "./keys.js";
import { readRaw } from "./raw.js";
import { batchPutAll, withRetry } from "./retry.js";
import { mergeInto, rollupAttributes, rollupBy, rollupFromAttributes, emptyRollup, type Rollup } from "./rollup.js";

/** At most this many hours are rolled up per call, so a long outage is caught up gradually. */
const MAX_HOURS_PER_CALL = 48;

/** Start of the last hour rolled up for region × shard (undefined: nothing rolled up yet). */
export async function closedHour(ctx: StoreContext, region: string, shard: number): Promise<string | undefined> {
  const output = await withRetry("GetItem", ctx.retry, () =>
    ctx.doc.send(
      new GetCommand({ TableName: ctx.table, Key: { pk: keys.closed(region), sk: keys.closedShard(shard) }, ConsistentRead: true }),
    ),
  );
  return output.Item?.hour as string | undefined;
}

/**
 * Roll up every finished hour (ended more than `closeGraceMs` ago) of region × shard that
 * is not rolled up yet, plus `lateHours` (already closed hours that just got new results).
 * Rollups are recomputed from raw items, never incremented, so redelivery cannot double
 * count. A day's rollup is written when its last hour closes. Returns hours rolled up.
 */
export async function closeDueBuckets(
  ctx: StoreContext,
  region: string,
  shard: number,
  lateHours: Iterable<string>,
): Promise<number> {
  const lastClosable = addHours(hourStart(new Date(ctx.now().getTime() - ctx.closeGraceMs).toISOString()), -1);
  const cacheKey = `${region}#${shard}`;
  const cached = ctx.closedCache.get(cacheKey);
  // Steady state: this writer already closed everything closable and nothing is late.
  if (cached !== undefined && cached >= lastClosable && ![...lateHours].some((hour) => hour <= cached)) return 0;
  const stored = await closedHour(ctx, region, shard);
  const lateOnes = [...lateHours].filter((hour) => stored !== undefined && hour <= stored);
  // First write for this shard: nothing before its first raw hour exists, so that hour's
  // predecessor counts as closed (persisted, so the steady state needs no read at all).
  const firstRaw = stored === undefined ? await firstRawHour(ctx, region, shard) : undefined;
  const closed = stored ?? (firstRaw === undefined ? undefined : addHours(firstRaw, -1));
  if (closed === undefined) return 0;
  const start = addHours(closed, 1);
  let newClosed = stored === undefined ? closed : undefined;
  let rolledUp = lateOnes.length;
  if (start <= lastClosable) {
    const end = [addHours(lastClosable, 1), addHours(start, MAX_HOURS_PER_CALL)].sort()[0]!;
    const results = await readRaw(ctx, region, shard, start, end);
    await writeHourly(ctx, region, shard, results);
    newClosed = addHours(end, -1);
    for (let hour = start; hour < end; hour = addHours(hour, 1)) {
      rolledUp++;
      if (hour.slice(11, 13) === "23") await writeDaily(ctx, region, shard, dayStart(hour));
    }
  }
  for (const hour of lateOnes) {
    await writeHourly(ctx, region, shard, await readRaw(ctx, region, shard, hour, addHours(hour, 1)));
    const lastHourOfDay = addHours(dayStart(hour), 23);
    if (lastHourOfDay <= closed) await writeDaily(ctx, region, shard, dayStart(hour));
  }
  if (newClosed !== undefined) {
    const hour = newClosed;
    await withRetry("PutItem", ctx.retry, () =>
      ctx.doc
        .send(
          new PutCommand({
            TableName: ctx.table,
            Item: { pk: keys.closed(region), sk: keys.closedShard(shard), hour },
            ConditionExpression: "attribute_not_exists(pk) OR #hour < :hour",
            ExpressionAttributeNames: { "#hour": "hour" },
            ExpressionAttributeValues: { ":hour": hour },
          }),
        )
        .catch((error: unknown) => {
          // A concurrent writer closed as far or further: nothing to do.
          if (!(error instanceof Error && error.name === "ConditionalCheckFailedException")) throw error;
        }),
    );
  }
  const nowClosed = newClosed ?? closed;
  if (nowClosed !== undefined) ctx.closedCache.set(cacheKey, nowClosed);
  return rolledUp;
}

async function firstRawHour(ctx: StoreContext, region: string, shard: number): Promise<string | undefined> {
  const page = await withRetry("Query", ctx.retry, () =>
    ctx.doc.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": keys.raw(region, shard) },
        ProjectionExpression: "sk",
        Limit: 1,
      }),
    ),
  );
  const sk = page.Items?.[0]?.sk as string | undefined;
  return sk ? hourStart(sk.slice(0, sk.indexOf("#"))) : undefined;
}

/** Hourly rollup items of `results` (one per check × hour), as stored; the cost estimate sizes these. */
export function hourlyRollupItems(ctx: Pick<StoreContext, "hourlyRetentionDays">, region: string, shard: number, results: ProbeResult[]): Item[] {
  const rollups = rollupBy(results, (r) => `${r.checkId}|${hourStart(r.at)}`);
  return [...rollups].map(([key, rollup]) => {
    const [checkId, hour] = key.split("|") as [string, string];
    return {
      pk: keys.rollup(checkId, region),
      sk: keys.rollupSk("1h", hour),
      gsi1pk: keys.hourlyOfDay(region, shard, hour),
      gsi1sk: `${checkId}#${hour}`,
      expiresAt: ttlAt(hour, ctx.hourlyRetentionDays),
      ...rollupAttributes(rollup),
    };
  });
}

/** The daily rollup item of one check × region. */
export function dailyRollupItem(ctx: Pick<StoreContext, "dailyRetentionDays">, region: string, checkId: string, day: string, rollup: Rollup): Item {
  return {
    pk: keys.rollup(checkId, region),
    sk: keys.rollupSk("1d", day),
    expiresAt: ttlAt(day, ctx.dailyRetentionDays),
    ...rollupAttributes(rollup),
  };
}

async function writeHourly(ctx: StoreContext, region: string, shard: number, results: ProbeResult[]): Promise<void> {
  await batchPutAll(ctx.doc, ctx.table, hourlyRollupItems(ctx, region, shard, results), ctx.retry);
}

async function writeDaily(ctx: StoreContext, region: string, shard: number, day: string): Promise<void> {
  const hourly = await queryAll(ctx, {
    IndexName: "gsi1",
    KeyConditionExpression: "gsi1pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.hourlyOfDay(region, shard, day) },
  });
  const perCheck = new Map<string, Rollup>();
  for (const item of hourly) {
    const checkId = (item.gsi1sk as string).slice(0, (item.gsi1sk as string).lastIndexOf("#"));
    const rollup = perCheck.get(checkId) ?? emptyRollup();
    mergeInto(rollup, rollupFromAttributes(item));
    perCheck.set(checkId, rollup);
  }
  const items: Item[] = [...perCheck].map(([checkId, rollup]) => dailyRollupItem(ctx, region, checkId, day, rollup));
  await batchPutAll(ctx.doc, ctx.table, items, ctx.retry);
}

/** Stored rollups of one check × region with bucket start in [from, to]. */
async function storedRollups(
  ctx: StoreContext,
  checkId: string,
  region: string,
  bucket: "1h" | "1d",
  from: string,
  to: string,
): Promise<Map<string, Rollup>> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
    ExpressionAttributeValues: {
      ":pk": keys.rollup(checkId, region),
      ":from": keys.rollupSk(bucket, from),
      ":to": keys.rollupSk(bucket, to),
    },
  });
  return new Map(items.map((item) => [(item.sk as string).slice(3), rollupFromAttributes(item)]));
}

/**
 * Hourly rollups of one check × region for hours starting in [from, to): closed hours
 * from rollup items, open hours (after the last closed hour) from raw items.
 */
export async function hourlyHistory(
  ctx: StoreContext,
  checkId: string,
  region: string,
  shard: number,
  from: string,
  to: string,
  closed: string | undefined,
): Promise<Map<string, Rollup>> {
  const firstHour = hourStart(from);
  const openFrom = closed === undefined ? firstHour : [addHours(closed, 1), firstHour].sort().at(-1)!;
  const hours = new Map<string, Rollup>();
  if (closed !== undefined && firstHour <= closed) {
    const lastClosed = [closed, addHours(hourStart(to), to === hourStart(to) ? -1 : 0)].sort()[0]!;
    for (const [hour, rollup] of await storedRollups(ctx, checkId, region, "1h", firstHour, lastClosed)) {
      hours.set(hour, rollup);
    }
  }
  if (openFrom < to) {
    const raw = await readRaw(ctx, region, shard, openFrom, to, checkId);
    for (const [hour, rollup] of rollupBy(raw, (r) => hourStart(r.at))) hours.set(hour, rollup);
  }
  return hours;
}

/** Daily rollups: closed days from day items, the open day from hourly history. */
export async function dailyHistory(
  ctx: StoreContext,
  checkId: string,
  region: string,
  shard: number,
  from: string,
  to: string,
  closed: string | undefined,
): Promise<Map<string, Rollup>> {
  const firstDay = dayStart(from);
  // Days whose last hour is rolled up have a day item.
  const firstOpenDay = closed === undefined ? firstDay : dayStart(addHours(closed, 1));
  const days = new Map<string, Rollup>();
  if (firstDay < firstOpenDay) {
    const lastClosedDay = [addDays(firstOpenDay, -1), addDays(dayStart(to), to === dayStart(to) ? -1 : 0)].sort()[0]!;
    for (const [day, rollup] of await storedRollups(ctx, checkId, region, "1d", firstDay, lastClosedDay)) {
      days.set(day, rollup);
    }
  }
  const openFrom = [firstOpenDay, firstDay].sort().at(-1)!;
  if (openFrom < to) {
    for (const [hour, rollup] of await hourlyHistory(ctx, checkId, region, shard, openFrom, to, closed)) {
      const day = dayStart(hour);
      const merged = days.get(day) ?? emptyRollup();
      mergeInto(merged, rollup);
      days.set(day, merged);
    }
  }
  return days;
}
