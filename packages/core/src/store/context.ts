import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Thresholds } from "./types.js";
import { backoffMs, StoreWriteError, withRetry, type RetryOptions } from "./retry.js";

/** Everything the store's parts share. */
export interface StoreContext {
  doc: DynamoDBDocumentClient;
  table: string;
  /** Checks of a region are spread over this many raw/state partitions. */
  shards: number;
  retentionDays: number;
  hourlyRetentionDays: number;
  dailyRetentionDays: number;
  thresholds: Thresholds;
  now: () => Date;
  retry: RetryOptions;
  /** An hour is rolled up only this long after it ended, so slightly late rounds land first. */
  closeGraceMs: number;
  /** Last closed hour per `region#shard` as this process last saw it (saves a read per round). */
  closedCache: Map<string, string>;
}

export type Item = Record<string, unknown>;

/** Query every page (the store never Scans). */
export async function queryAll(ctx: StoreContext, input: Omit<QueryCommandInput, "TableName">): Promise<Item[]> {
  const items: Item[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await withRetry("Query", ctx.retry, () =>
      ctx.doc.send(new QueryCommand({ ...input, TableName: ctx.table, ExclusiveStartKey })),
    );
    items.push(...((page.Items ?? []) as Item[]));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** A table key. */
export interface Key {
  pk: string;
  sk: string;
}

/**
 * GetItem of many keys through BatchGetItem (100 keys a call, eventually consistent), re-asking
 * for `UnprocessedKeys` (a response stops at 16 MB) with backoff. Missing items are left out;
 * the order of the items is not the order of the keys.
 */
export async function batchGetAll(ctx: StoreContext, keys: Key[], projection?: string): Promise<Item[]> {
  const chunks: Key[][] = [];
  for (let offset = 0; offset < keys.length; offset += 100) chunks.push(keys.slice(offset, offset + 100));
  const found = await mapLimit(chunks, 4, async (chunk) => {
    const items: Item[] = [];
    let pending: Record<string, unknown>[] = chunk.map(({ pk, sk }) => ({ pk, sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= ctx.retry.maxAttempts) throw new StoreWriteError(`BatchGetItem: ${pending.length} key(s) still unprocessed after ${ctx.retry.maxAttempts} attempts`, 0);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoffMs(attempt, ctx.retry)));
      const request = { Keys: pending, ...(projection ? { ProjectionExpression: projection } : {}) };
      const output = await withRetry("BatchGetItem", ctx.retry, () => ctx.doc.send(new BatchGetCommand({ RequestItems: { [ctx.table]: request } })));
      items.push(...((output.Responses?.[ctx.table] ?? []) as Item[]));
      pending = (output.UnprocessedKeys?.[ctx.table]?.Keys ?? []) as Record<string, unknown>[];
    }
    return items;
  });
  return found.flat();
}

/** Run `task` over `inputs` with at most `limit` in flight. */
export async function mapLimit<T, R>(inputs: T[], limit: number, task: (input: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(inputs.length);
  let next = 0;
  const worker = async () => {
    while (next < inputs.length) {
      const index = next++;
      results[index] = await task(inputs[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
  return results;
}
