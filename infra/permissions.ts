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

/** Item writes the store issues (TransactWriteItems is authorised per contained action). */
export const TABLE_WRITE_ACTIONS = [
  "dynamodb:PutItem",
  "dynamodb:UpdateItem",
  "dynamodb:BatchWriteItem",
  "dynamodb:ConditionCheckItem",
] as const;

/** Item reads; never Scan, never DeleteItem (TTL deletes), never table administration. */
export const TABLE_READ_ACTIONS = [
  "dynamodb:GetItem",
  "dynamodb:BatchGetItem",
  "dynamodb:Query",
] as const;

const INVOKE = "lambda:InvokeFunction";

/**
 * Probe function: writes its round's results (packed raw items, latest, region state,
 * on-demand probe results). It reads only the table's own items, because writeResults is
 * idempotent per (checkId, region, at) and closes finished hourly buckets from the raw items
 * it wrote. No index access, no Lambda, nothing else.
 */
export function probeGrants<R>(t: TableArns<R>): Grant<R>[] {
  return [
    { actions: [...TABLE_WRITE_ACTIONS], resources: [t.table] },
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table] },
  ];
}

/**
 * Scheduler: invokes exactly the probe functions, records heartbeats and evaluates
 * verdicts / incident transitions (reads state, writes verdicts and incidents).
 */
export function schedulerGrants<R>(t: TableArns<R>, probeFunctions: R[]): Grant<R>[] {
  return [
    { actions: [INVOKE], resources: [...probeFunctions] },
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: [...TABLE_WRITE_ACTIONS], resources: [t.table] },
  ];
}

/**
 * API: reads status/history/incidents (table + indexes), and for POST /v1/probes stores
 * the request, counts rate-limit hits and invokes the probe functions.
 */
export function apiGrants<R>(t: TableArns<R>, probeFunctions: R[]): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [t.table] },
    { actions: [INVOKE], resources: [...probeFunctions] },
  ];
}

/**
 * Slack slash-command receiver: verifies, claims the request once (Slack retries),
 * acks, and hands the work to the worker asynchronously.
 */
export function chatopsGrants<R>(t: TableArns<R>, worker: R): Grant<R>[] {
  return [
    { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [t.table] },
    { actions: [INVOKE], resources: [worker] },
  ];
}

/** Chat-ops worker: runs an on-demand probe (stores it, invokes probes, reads results). */
export function chatopsWorkerGrants<R>(t: TableArns<R>, probeFunctions: R[]): Grant<R>[] {
  return [
    { actions: [...TABLE_READ_ACTIONS], resources: [t.table, ...t.indexes] },
    { actions: ["dynamodb:PutItem", "dynamodb:UpdateItem"], resources: [t.table] },
    { actions: [INVOKE], resources: [...probeFunctions] },
  ];
}
