/**
 * Counts raw results as DynamoDB physically holds them — every copy in every packed raw item —
 * instead of reading them back through the store (which folds duplicates into one), so that
 * "stored exactly once" means exactly one physical copy. Knows the store's raw layout
 * (`RAW#region#shard` partitions of packed result arrays, packages/core/src/store/raw.ts).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { ProbeResult } from "@probemesh/core/result";
import { unpackJson } from "../../packages/core/src/store/codec.js";
import { keys } from "../../packages/core/src/store/keys.js";

/** Shards probed for raw partitions unless told: more than the store's default (4), empty ones cost nothing. */
const MAX_SHARDS = 16;

/** One `checkId region at(ISO)` key per physical copy of a raw result. */
export async function rawCopies(client: DynamoDBClient, tableName: string, regions: string[], shards = MAX_SHARDS): Promise<string[]> {
  const doc = DynamoDBDocumentClient.from(client);
  const copies: string[] = [];
  for (const region of regions) {
    for (let shard = 0; shard < shards; shard++) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": keys.raw(region, shard) },
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of page.Items ?? []) {
          for (const result of unpackJson<ProbeResult[]>(item.r as Uint8Array)) {
            copies.push(`${result.checkId} ${result.region} ${new Date(result.at).toISOString()}`);
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
  }
  return copies;
}
