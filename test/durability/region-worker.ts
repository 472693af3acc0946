/**
 * One region's probe function in its own process (so the test can SIGKILL it mid-round): the
 * real probe handler behind the Lambda Invoke API emulator, writing to DynamoDB Local. Every
 * result handed to the store is announced on stdout first (`{"produced":[keys]}`), so the test
 * can count what was produced independently of what reached DynamoDB.
 * argv JSON: { region, endpoint, tableName, timeoutMs }. Announces `{ "url": … }`.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createGuard } from "@probemesh/core/guard";
import { createStore, type Store } from "@probemesh/core/store";
import { probeFunctionName } from "../../packages/functions/src/config/index.js";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { startInvokeServer } from "../../packages/functions/src/invoke/index.js";

const spec = JSON.parse(process.argv[2] ?? "{}") as { region: string; endpoint: string; tableName: string; timeoutMs: number };
const client = new DynamoDBClient({ endpoint: spec.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
const store = createStore({ client, tableName: spec.tableName });
const say = (message: unknown) => process.stdout.write(JSON.stringify(message) + "\n");
const counted: Pick<Store, "writeResults" | "addProbeResults"> = {
  writeResults: async (region, roundId, results) => {
    say({ produced: results.map((r) => `${r.checkId} ${r.region} ${r.at}`) });
    try {
      return await store.writeResults(region, roundId, results);
    } catch (error) {
      say({ writeError: String(error) });
      throw error;
    }
  },
  addProbeResults: (id, region, results) => store.addProbeResults(id, region, results),
};
const server = await startInvokeServer({
  region: spec.region,
  timeoutMs: 60_000,
  functions: { [probeFunctionName(spec.region)]: createProbeFunction({ store: counted, region: spec.region, guard: createGuard(), timeoutMs: spec.timeoutMs }) },
});
say({ url: server.url });
process.stdin.resume();
process.stdin.on("end", async () => {
  await server.close();
  client.destroy();
  process.exit(0);
});
