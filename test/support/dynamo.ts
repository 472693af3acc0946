import { randomBytes } from "node:crypto";
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { inject } from "vitest";

/** The shared DynamoDB Local endpoint started by test/setup/dynamodb.ts. */
export function dynamoEndpoint(): string {
  return inject("dynamoEndpoint");
}

/** A real SDK client for the test run's DynamoDB Local (fake credentials, us-east-1). */
export function dynamoClient(config: Partial<DynamoDBClientConfig> = {}): DynamoDBClient {
  return new DynamoDBClient({
    endpoint: dynamoEndpoint(),
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    ...config,
  });
}

/** A table name no other test uses (tests share one DynamoDB Local). */
export function uniqueTableName(prefix = "t"): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

/** Make any Scan through `client` fail the test: every store access path must be a Query/Get. */
export function forbidScan(client: DynamoDBClient): DynamoDBClient {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "ScanCommand") throw new Error("Scan issued on a request path");
      return next(args);
    },
    { step: "initialize", name: "forbidScan" },
  );
  return client;
}
