import { DescribeTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import { ensureTable } from "../../packages/core/src/store/index.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

/**
 * DynamoDB Local deletes expired items by the real clock within seconds, so a table holding
 * fixtures dated on a test's own clock is made without TTL; the mesh's tables keep it.
 */
describe("ensureTable", () => {
  const ttlStatus = async (timeToLive?: boolean) => {
    const client = dynamoClient();
    const tableName = uniqueTableName("ttl");
    await ensureTable(client, tableName, timeToLive === undefined ? {} : { timeToLive });
    const { TimeToLiveDescription } = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    return [TimeToLiveDescription?.TimeToLiveStatus, TimeToLiveDescription?.AttributeName];
  };

  it("turns TTL on for expiresAt by default", async () => {
    expect(await ttlStatus()).toEqual(["ENABLED", "expiresAt"]);
  });

  it("leaves TTL off when asked, for tables of test fixtures", async () => {
    expect((await ttlStatus(false))[0]).toBe("DISABLED");
  });
});
