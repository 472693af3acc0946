/**
 * One probe region, run inside its own network namespace (`ip netns exec`): the real probe
 * handler with this region's network context, writing to DynamoDB Local through the Unix-socket
 * bridge. It takes invocations as JSON lines on stdin and answers each with one JSON line
 * (`{ summary }` or `{ error }`), the way the Lambda Invoke API would carry them.
 * argv JSON: RegionWorkerSpec. Announces itself with `{ "ready": true }`.
 */
import { createInterface } from "node:readline";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createGuard } from "@probemesh/core/guard";
import { dnsLookup } from "@probemesh/core/probers";
import { createStore } from "@probemesh/core/store";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { serveUnixSocketOnLoopback } from "./bridge.js";

export interface RegionWorkerSpec {
  region: string;
  tableName: string;
  /** Unix socket the host exposes DynamoDB Local on. */
  dynamoSocket: string;
  /** `ip:port` of the lab DNS responder in the target namespace. */
  dnsServer: string;
  caPem: string;
  timeoutMs: number;
}

const spec = JSON.parse(process.argv[2] ?? "{}") as RegionWorkerSpec;
const bridge = await serveUnixSocketOnLoopback(spec.dynamoSocket);
const client = new DynamoDBClient({
  endpoint: `http://127.0.0.1:${bridge.port}`,
  region: "us-east-1",
  credentials: { accessKeyId: "local", secretAccessKey: "local" },
});
const handle = createProbeFunction({
  store: createStore({ client, tableName: spec.tableName }),
  region: spec.region,
  guard: createGuard(),
  context: () => ({ lookup: dnsLookup({ server: spec.dnsServer, timeoutMs: spec.timeoutMs }), ca: [spec.caPem] }),
  timeoutMs: spec.timeoutMs,
  concurrency: 16,
  writeMarginMs: 0,
});
const lambdaContext = { getRemainingTimeInMillis: () => 30_000 };

process.stdout.write(JSON.stringify({ ready: true }) + "\n");
for await (const line of createInterface({ input: process.stdin })) {
  try {
    const summary = await handle(JSON.parse(line), lambdaContext);
    process.stdout.write(JSON.stringify({ summary }) + "\n");
  } catch (error) {
    process.stdout.write(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }) + "\n");
  }
}
bridge.close();
client.destroy();
