import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { createStore, ensureTable, StoreWriteError } from "../../packages/core/src/store/index.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";
import { result } from "../support/results.js";

const AT = "2025-04-01T10:00:00.000Z";
const FAST_RETRY = { baseDelayMs: 2, maxDelayMs: 20 };

/** Real ProvisionedThroughputExceededException shape, thrown before the request leaves the client. */
function throttlingError(): Error {
  return Object.assign(new Error("Rate of requests exceeds the allowed throughput."), {
    name: "ProvisionedThroughputExceededException",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
  });
}

/** Throttle the first `n` BatchWriteItem calls. Added after the SDK's own retry step, so our backoff must recover. */
function throttleFirstBatchWrites(client: DynamoDBClient, n: number): { calls: () => number } {
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "BatchWriteItemCommand" && calls++ < n) throw throttlingError();
      return next(args);
    },
    { step: "initialize", name: "throttleFirstBatchWrites" },
  );
  return { calls: () => calls };
}

/**
 * For the first `n` BatchWriteItem calls, send only half of the items to DynamoDB Local
 * and hand the other half back as UnprocessedItems — what DynamoDB does under load.
 */
function partiallyProcessFirstBatchWrites(client: DynamoDBClient, n: number): { held: () => number } {
  let calls = 0;
  let held = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "BatchWriteItemCommand" || calls++ >= n) return next(args);
      const input = args.input as { RequestItems: Record<string, unknown[]> };
      const [table, requests] = Object.entries(input.RequestItems)[0]!;
      if (requests.length < 2) return next(args);
      const half = Math.ceil(requests.length / 2);
      const output = await next({ ...args, input: { ...input, RequestItems: { [table]: requests.slice(0, half) } } });
      held += requests.length - half;
      const body = output.output as { UnprocessedItems?: Record<string, unknown[]> };
      body.UnprocessedItems = { [table]: [...(body.UnprocessedItems?.[table] ?? []), ...requests.slice(half)] };
      return output;
    },
    { step: "initialize", name: "partiallyProcessFirstBatchWrites" },
  );
  return { held: () => held };
}

/** Many checks so that one round spans several raw items (shards). */
const roundResults = (region: string, count: number) =>
  Array.from({ length: count }, (_, i) => result({ checkId: `c${i}`, region, at: AT, durationMs: i }));

async function newTable(): Promise<string> {
  const tableName = uniqueTableName("retry");
  await ensureTable(dynamoClient(), tableName, { timeToLive: false });
  return tableName;
}

describe("batched writes under throttling", () => {
  it("retries throttled BatchWriteItem calls with backoff and loses nothing", async () => {
    const tableName = await newTable();
    const client = dynamoClient({ maxAttempts: 1 });
    const throttle = throttleFirstBatchWrites(client, 3);
    const store = createStore({ client, tableName, shards: 8, retry: FAST_RETRY });
    const summary = await store.writeResults("us-east-1", "r1", roundResults("us-east-1", 200));
    expect(throttle.calls()).toBeGreaterThan(3);
    expect(summary.written).toBe(200);
    expect(await store.latest()).toHaveLength(200);
    // Every shard's raw item arrived: sample checks spread over all 8 shards.
    const raw = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.history({ checkId: `c${i * 5}`, region: "us-east-1", from: AT, to: "2025-04-01T11:00:00.000Z", bucket: "raw" }),
      ),
    );
    expect(raw.map((buckets) => buckets.length)).toEqual(Array(40).fill(1));
  });

  it("re-sends UnprocessedItems until every item is stored", async () => {
    const tableName = await newTable();
    const client = dynamoClient();
    const partial = partiallyProcessFirstBatchWrites(client, 4);
    const store = createStore({ client, tableName, shards: 16, retry: FAST_RETRY });
    await store.writeResults("eu-west-1", "r1", roundResults("eu-west-1", 300));
    expect(partial.held()).toBeGreaterThan(0);
    const latest = await store.latest();
    expect(latest).toHaveLength(300);
    const history = await store.history({ checkId: "c299", from: AT, to: "2025-04-01T11:00:00.000Z", bucket: "raw" });
    expect(history).toHaveLength(1);
  });

  it("throws a retryable StoreWriteError when throttling never stops, and the retry then succeeds", async () => {
    const tableName = await newTable();
    const client = dynamoClient({ maxAttempts: 1 });
    throttleFirstBatchWrites(client, 4);
    const store = createStore({ client, tableName, retry: { ...FAST_RETRY, maxAttempts: 3 } });
    const results = roundResults("ap-southeast-2", 10);
    const failure = await store.writeResults("ap-southeast-2", "r1", results).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreWriteError);
    expect(failure).toMatchObject({ retryable: true });
    expect((failure as StoreWriteError).unprocessed).toBeGreaterThan(0);
    // Nothing half-applied: the region state was not touched, and the caller's retry goes through.
    expect(await store.latest()).toEqual([]);
    const summary = await store.writeResults("ap-southeast-2", "r1", results);
    expect(summary.written).toBe(10);
    expect(await store.latest()).toHaveLength(10);
  });
});
