import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DriftSource } from "../drift/index.js";
import { packJson, unpackJson } from "./codec.js";
import { queryAll, type StoreContext } from "./context.js";
import { keys } from "./keys.js";
import { withRetry } from "./retry.js";

const isConditionFailure = (error: unknown) => error instanceof Error && error.name === "ConditionalCheckFailedException";

/**
 * Keeps the last check of a watched page, and each distinct change once (keyed by its
 * fingerprint). Returns true when this change was not stored before, i.e. it is news.
 */
export async function recordDrift(ctx: StoreContext, source: DriftSource): Promise<boolean> {
  const sk = `${source.product}#${source.url}`;
  await withRetry("PutItem", ctx.retry, () =>
    ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { pk: keys.drift, sk, at: source.checkedAt, source: packJson(source) } })),
  );
  if (!source.changed) return false;
  try {
    await withRetry("PutItem", ctx.retry, () =>
      ctx.doc.send(
        new PutCommand({
          TableName: ctx.table,
          Item: { pk: keys.driftChange(source.product), sk: `${source.fingerprint}#${source.url}`, at: source.checkedAt, source: packJson(source) },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The last check of every watched page, by product then URL. */
export async function driftSources(ctx: StoreContext): Promise<DriftSource[]> {
  const items = await queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.drift } });
  return items.map((item) => unpackJson<DriftSource>(item.source as Uint8Array));
}
