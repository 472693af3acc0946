/**
 * Least-privilege IAM statements for every function, as plain data. Pure (no SST
 * globals): infra/*.ts pass Pulumi outputs as resources, tests pass ARN strings and
 * assert that no action or resource is a wildcard.
 *
 * Every function also gets SST's defaults: the AWS managed AWSLambdaBasicExecutionRole
 * (its own log group) and, only for VPC-attached probes, AWSLambdaVPCAccessExecutionRole.
 */

/** One IAM statement; `R` is a string ARN in tests and an Output<string> in infra. */
export interface Grant<R> {
  actions: string[];
  resources: R[];
}

/** The table and its index ARNs (index ARN = `${tableArn}/index/${name}`). */
export interface TableArns<R> {
  table: R;
  indexes: R[];
}

/**
 * The DynamoDB calls @probemesh/core/store makes (PutCommand, UpdateCommand, BatchWriteCommand,
 * GetCommand, QueryCommand; DeleteCommand only when an incident closes). No Scan, no
 * BatchGetItem, no transactions, no table administration (TTL expires old items).
 */
export const TABLE_WRITE_ACTIONS = ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"] as const;
export const TABLE_READ_ACTIONS = ["dynamodb:GetItem", "dynamodb:Query"] as const;
/** Only the scheduler deletes: the open-incident pointer when `evaluate` resolves an incident. */
export const TABLE_DELETE_ACTION = "dynamodb:DeleteItem";
/** Single-item writes: probe requests, rate-limit counters, once-only claims. */
const ITEM_WRITES = ["dynamodb:PutItem", "dynamodb:UpdateItem"];

const INVOKE = "lambda:InvokeFunction";

/** The region spool (packages/functions/src/spool): keep a batch, drain it, report its depth. */
export const SPOOL_ACTIONS = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"] as const;
/** The API only reports spool depth on /healthz. */
export const SPOOL_DEPTH_ACTION = "sqs:GetQueueAttributes";

/**
 * Probe function: writes its round (packed raw items, latest, region state) and on-demand
 * probe results; keeps what the store cannot take in its own region's spool queue. Reads only what writeResults needs to stay idempotent and to close finished
 * buckets (the day's hourly rollups come from the index). No Lambda, no deletes.
 */
export function probeGrants<R>(t: TableArns<R>, spoolQueue?: R): Grant<R>[] {
  return [
    { actions: [...TABLE_WRITE_ACTIONS], resources: [t.table] },
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    ...(spoolQueue ? [{ actions: [...SPOOL_ACTIONS], resources: [spoolQueue] }] : []),
  ];
}

/**
 * Scheduler: invokes exactly the probe functions (RequestResponse), records heartbeats,
 * evaluates verdicts and incident transitions, claims each alert once.
 */
export function schedulerGrants<R>(t: TableArns<R>, probeFunctions: R[]): Grant<R>[] {
  return [
    { actions: [INVOKE], resources: [...probeFunctions] },
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...TABLE_WRITE_ACTIONS, TABLE_DELETE_ACTION], resources: [t.table] },
  ];
}

/**
 * API: reads status/history/incidents (table + index); for POST /v1/probes stores the
 * request and counts rate-limit hits, then dispatches the probe functions (Event).
 */
export function apiGrants<R>(t: TableArns<R>, probeFunctions: R[], spoolQueues: R[] = []): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...ITEM_WRITES], resources: [t.table] },
    { actions: [INVOKE], resources: [...probeFunctions] },
    ...(spoolQueues.length > 0 ? [{ actions: [SPOOL_DEPTH_ACTION], resources: [...spoolQueues] }] : []),
  ];
}

/**
 * Slack slash-command receiver: claims each request once (Slack retries), counts per-user
 * rate limits, answers `status` from the latest results, and starts the worker (Event).
 */
export function chatopsGrants<R>(t: TableArns<R>, worker: R): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...ITEM_WRITES], resources: [t.table] },
    { actions: [INVOKE], resources: [worker] },
  ];
}

/** Drift watch: reads the profile's catalogs, stores each watched page's check and claims each alert once. */
export function driftGrants<R>(t: TableArns<R>): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...ITEM_WRITES], resources: [t.table] },
  ];
}

/** Chat-ops worker: stores the on-demand probe, dispatches the probe functions, reads results. */
export function chatopsWorkerGrants<R>(t: TableArns<R>, probeFunctions: R[]): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...ITEM_WRITES], resources: [t.table] },
    { actions: [INVOKE], resources: [...probeFunctions] },
  ];
}
