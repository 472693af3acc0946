import { KEY_ATTRIBUTES, TABLE_SCHEMA } from "../packages/core/src/store/schema.js";
import type { TableArns } from "./permissions.js";
import { settings } from "./config.js";

/** Store projection → SST's spelling; a projection the store adds later fails check:infra here. */
const PROJECTION = { ALL: "all", KEYS_ONLY: "keys-only" } as const;

/**
 * The single results table, built from the store's own schema (keys, GSIs, TTL) so the
 * deployed table and DynamoDB Local never drift. On-demand billing, point-in-time recovery
 * (SST's default for Dynamo, stated again so it survives a default change) and, when
 * PROBEMESH_TABLE_REPLICAS is set, global-table replicas (which need a NEW_AND_OLD_IMAGES stream).
 */
export const table = new sst.aws.Dynamo("Results", {
  fields: Object.fromEntries(KEY_ATTRIBUTES.map((name) => [name, "string" as const])),
  primaryIndex: { hashKey: TABLE_SCHEMA.partitionKey, rangeKey: TABLE_SCHEMA.sortKey },
  globalIndexes: Object.fromEntries(
    TABLE_SCHEMA.globalIndexes.map((index) => [
      index.name,
      {
        hashKey: index.partitionKey,
        rangeKey: index.sortKey,
        projection: PROJECTION[index.projection],
      },
    ]),
  ),
  ttl: TABLE_SCHEMA.ttlAttribute,
  stream: settings.tableReplicas.length > 0 ? "new-and-old-images" : undefined,
  deletionProtection: $app.stage === "prod",
  transform: {
    table: {
      pointInTimeRecovery: { enabled: true },
      replicas: settings.tableReplicas.map((regionName) => ({ regionName, pointInTimeRecovery: true })),
    },
  },
});

/** Exact ARNs the permission lists may name: the table and each of its indexes. */
export const tableArns: TableArns<$util.Output<string>> = {
  table: table.arn,
  indexes: TABLE_SCHEMA.globalIndexes.map((index) => $interpolate`${table.arn}/index/${index.name}`),
};
