import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Thresholds } from "./types.js";
import { withRetry, type RetryOptions } from "./retry.js";

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
