import { createHash } from "node:crypto";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ProbeResult } from "../result/index.js";
import { packJson, unpackJson } from "./codec.js";
import { queryAll, type StoreContext } from "./context.js";
import { keys, ttlAt } from "./keys.js";
import { resultKey } from "./raw.js";
import { StoreInputError, withRetry } from "./retry.js";
import type { AlertDelivery, ProbeRecord, ProbeRequest, RegionHeartbeat } from "./types.js";

/** On-demand probes are kept a week. */
const PROBE_RETENTION_DAYS = 7;

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === "ConditionalCheckFailedException";

/** Put an item unless the stored one is newer (`at`): a late, older write changes nothing. */
async function putIfNewer(ctx: StoreContext, key: { pk: string; sk: string }, at: string, attributes: Record<string, unknown>): Promise<void> {
  await withRetry("PutItem", ctx.retry, () =>
    ctx.doc
      .send(
        new PutCommand({
          TableName: ctx.table,
          Item: { ...key, at, ...attributes },
          ConditionExpression: "attribute_not_exists(pk) OR #at <= :at",
          ExpressionAttributeNames: { "#at": "at" },
          ExpressionAttributeValues: { ":at": at },
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      }),
  );
}

/** Keep the newest heartbeat per region (an older one arriving late is ignored). */
export function recordHeartbeat(ctx: StoreContext, heartbeat: RegionHeartbeat): Promise<void> {
  return putIfNewer(ctx, { pk: keys.heartbeat, sk: heartbeat.region }, heartbeat.at, { heartbeat });
}

export async function heartbeats(ctx: StoreContext): Promise<RegionHeartbeat[]> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.heartbeat },
  });
  return items.map((item) => item.heartbeat as RegionHeartbeat);
}

/** Keep the latest delivery outcome per alert destination (an older one arriving late is ignored). */
export function recordAlertDelivery(ctx: StoreContext, delivery: AlertDelivery): Promise<void> {
  return putIfNewer(ctx, { pk: keys.alertDelivery, sk: delivery.destination }, delivery.at, { delivery });
}

export async function alertDeliveries(ctx: StoreContext): Promise<AlertDelivery[]> {
  const items = await queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.alertDelivery } });
  return items.map((item) => item.delivery as AlertDelivery);
}

/** Creating the same probe twice is harmless: the first request stays. */
export async function createProbe(ctx: StoreContext, request: ProbeRequest): Promise<void> {
  await withRetry("PutItem", ctx.retry, () =>
    ctx.doc
      .send(
        new PutCommand({
          TableName: ctx.table,
          Item: {
            pk: keys.probe(request.id),
            sk: "REQUEST",
            request,
            expiresAt: ttlAt(request.createdAt, PROBE_RETENTION_DAYS),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      )
      .catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      }),
  );
}

/** One item per delivery, keyed by a hash of its result ids: redelivery rewrites the same item. */
export async function addProbeResults(ctx: StoreContext, id: string, region: string, results: ProbeResult[]): Promise<void> {
  const request = await withRetry("GetItem", ctx.retry, () =>
    ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: { pk: keys.probe(id), sk: "REQUEST" } })),
  );
  if (!request.Item) throw new StoreInputError(`unknown probe ${id}`);
  const ids = results.map(resultKey).sort().join("\n");
  const hash = createHash("sha256").update(ids).digest("base64url").slice(0, 16);
  await withRetry("PutItem", ctx.retry, () =>
    ctx.doc.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          pk: keys.probe(id),
          sk: `RESULTS#${region}#${hash}`,
          region,
          r: packJson(results),
          expiresAt: ttlAt(ctx.now().toISOString(), PROBE_RETENTION_DAYS),
        },
      }),
    ),
  );
}

export async function getProbe(ctx: StoreContext, id: string): Promise<ProbeRecord | undefined> {
  const items = await queryAll(ctx, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.probe(id) },
    ConsistentRead: true,
  });
  const request = items.find((item) => item.sk === "REQUEST")?.request as ProbeRequest | undefined;
  if (!request) return undefined;
  const results = new Map<string, ProbeResult>();
  const done = new Set<string>();
  for (const item of items.filter((i) => (i.sk as string).startsWith("RESULTS#"))) {
    done.add(item.region as string);
    for (const result of unpackJson<ProbeResult[]>(item.r as Uint8Array)) {
      results.set(`${item.region}|${resultKey(result)}`, result);
    }
  }
  return {
    ...request,
    results: [...results.values()].sort((a, b) => a.region.localeCompare(b.region) || a.at.localeCompare(b.at)),
    done: [...done].sort(),
  };
}

/** Conditional put: true the first time only, until the claim expires. */
export async function claimOnce(ctx: StoreContext, key: string, ttlSeconds = 86_400): Promise<boolean> {
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  try {
    await withRetry("PutItem", ctx.retry, () =>
      ctx.doc.send(
        new PutCommand({
          TableName: ctx.table,
          Item: { pk: keys.claim(key), sk: "CLAIM", expiresAt: nowSeconds + ttlSeconds },
          // TTL deletion is lazy (up to days), so an expired claim counts as absent.
          ConditionExpression: "attribute_not_exists(pk) OR expiresAt <= :now",
          ExpressionAttributeValues: { ":now": nowSeconds },
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Atomic counter per fixed window; the item expires after its window. */
export async function hit(ctx: StoreContext, key: string, windowSeconds: number): Promise<number> {
  if (!(windowSeconds > 0)) throw new StoreInputError("windowSeconds must be positive");
  const nowSeconds = Math.floor(ctx.now().getTime() / 1000);
  const windowStart = nowSeconds - (nowSeconds % windowSeconds);
  const output = await withRetry("UpdateItem", ctx.retry, () =>
    ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: { pk: keys.hit(key, windowStart), sk: "HIT" },
        UpdateExpression: "ADD n :one SET expiresAt = :expires",
        ExpressionAttributeValues: { ":one": 1, ":expires": windowStart + windowSeconds },
        ReturnValues: "UPDATED_NEW",
      }),
    ),
  );
  return Number(output.Attributes?.n ?? 1);
}
