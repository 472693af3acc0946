import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { TABLE_SCHEMA } from "./schema.js";

/**
 * Create the table, its GSI and TTL if the table does not exist yet (DynamoDB Local,
 * tests). On AWS the table comes from infra/storage.ts, which mirrors TABLE_SCHEMA.
 * `timeToLive: false` is for tables whose items carry times from a test's own clock:
 * DynamoDB Local deletes expired items by the real clock within seconds, so fixtures
 * dated in the past would vanish part-way through a test. The store never relies on
 * TTL deletion for correctness (expired claims are free by condition, reads filter by time).
 */
export async function ensureTable(client: DynamoDBClient, tableName: string, { timeToLive = true }: { timeToLive?: boolean } = {}): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const index = TABLE_SCHEMA.globalIndexes[0];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: TABLE_SCHEMA.billingMode,
        AttributeDefinitions: [TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey, index.partitionKey, index.sortKey].map(
          (AttributeName) => ({ AttributeName, AttributeType: "S" }),
        ),
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: "HASH" },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: "RANGE" },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: "HASH" },
              { AttributeName: index.sortKey, KeyType: "RANGE" },
            ],
            Projection: { ProjectionType: index.projection },
          },
        ],
      }),
    );
  } catch (error) {
    // Another process created it first: fine.
    if (!(error instanceof Error && error.name === "ResourceInUseException")) throw error;
  }
  await waitUntilTableExists({ client, maxWaitTime: 60 }, { TableName: tableName });
  if (!timeToLive) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true },
    }),
  ).catch((error: unknown) => {
    // Enabling TTL twice (concurrent creators) is refused with a ValidationException.
    if (!(error instanceof Error && error.name === "ValidationException")) throw error;
  });
}
