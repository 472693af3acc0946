import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/** Backoff for throttled or partially processed writes ("equal jitter", capped exponential). */
export interface RetryOptions {
  /** Attempts per batch before giving up (default 10: at least ~8 s of waiting, enough to ride out a restart). */
  maxAttempts: number;
  /** First backoff ceiling in ms (default 50). */
  baseDelayMs: number;
  /** Largest backoff ceiling in ms (default 5000). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 5000 };

/**
 * A write that DynamoDB kept refusing (throttling, unprocessed items, transient errors).
 * Nothing was silently dropped: the caller may retry the whole call, which is idempotent.
 */
export class StoreWriteError extends Error {
  override name = "StoreWriteError";
  readonly retryable = true;
  constructor(
    message: string,
    /** Items that were not written. */
    readonly unprocessed: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Bad input to the store (e.g. a result without a valid `at`): nothing was written. */
export class StoreInputError extends Error {
  override name = "StoreInputError";
}

const RETRYABLE_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalServerError",
  "ServiceUnavailable",
  "TransactionConflictException",
  "TimeoutError",
]);

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const meta = error as Error & { $retryable?: unknown; code?: string; $metadata?: { httpStatusCode?: number } };
  if (meta.$retryable || RETRYABLE_NAMES.has(error.name)) return true;
  if (meta.code && ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"].includes(meta.code)) return true;
  return (meta.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * The store could not be reached or kept refusing: worth keeping the data and trying later
 * (API: 503 store_unavailable), as opposed to a request the store will never accept.
 */
export function isStoreUnavailable(error: unknown): boolean {
  return error instanceof StoreWriteError || isRetryable(error);
}

/**
 * Half the ceiling fixed, half random: writers still spread out, but the total wait has a floor,
 * so a run of unlucky draws cannot exhaust every attempt within a brief outage.
 */
export function backoffMs(attempt: number, retry: RetryOptions): number {
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run `operation`, retrying retryable errors with backoff; throws StoreWriteError at the end. */
export async function withRetry<T>(what: string, retry: RetryOptions, operation: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt + 1 >= retry.maxAttempts) {
        throw new StoreWriteError(`${what}: gave up after ${retry.maxAttempts} attempts`, 1, { cause: error });
      }
      await sleep(backoffMs(attempt, retry));
    }
  }
}

type Item = Record<string, unknown>;

/**
 * Put all `items` with BatchWriteItem (25 per call), re-sending `UnprocessedItems` and
 * retrying throttling with backoff. Returns the number of BatchWriteItem calls made.
 */
export async function batchPutAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: Item[],
  retry: RetryOptions,
): Promise<number> {
  let calls = 0;
  for (let offset = 0; offset < items.length; offset += 25) {
    let pending = items.slice(offset, offset + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= retry.maxAttempts) {
        throw new StoreWriteError(
          `BatchWriteItem: ${pending.length} item(s) still unprocessed after ${retry.maxAttempts} attempts`,
          pending.length + Math.max(0, items.length - offset - 25),
        );
      }
      if (attempt > 0) await sleep(backoffMs(attempt, retry));
      calls++;
      try {
        const output = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (output.UnprocessedItems?.[tableName] ?? []) as typeof pending;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        if (attempt + 1 >= retry.maxAttempts) {
          throw new StoreWriteError(
            `BatchWriteItem: gave up after ${retry.maxAttempts} attempts`,
            pending.length + Math.max(0, items.length - offset - 25),
            { cause: error },
          );
        }
      }
    }
  }
  return calls;
}
