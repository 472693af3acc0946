/**
 * The single table's physical schema. infra/storage.ts (SST) mirrors this object;
 * `ensureTable` creates exactly this for DynamoDB Local and tests.
 */
export const TABLE_SCHEMA = {
  partitionKey: "pk",
  sortKey: "sk",
  /** Epoch seconds; DynamoDB TTL deletes raw results, rollups, claims and counters after it. */
  ttlAttribute: "expiresAt",
  billingMode: "PAY_PER_REQUEST",
  globalIndexes: [
    {
      /** Hourly rollups by region × shard × day (closing a day) and resolved incidents by month. */
      name: "gsi1",
      partitionKey: "gsi1pk",
      sortKey: "gsi1sk",
      projection: "ALL",
    },
  ],
} as const;

/** Every key attribute (table and GSI1) is a string; infra/storage.ts declares them from this list. */
export const KEY_ATTRIBUTES = ["pk", "sk", "gsi1pk", "gsi1sk"] as const;
