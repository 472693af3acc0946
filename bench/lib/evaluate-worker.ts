/**
 * One scheduler-like process for the evaluate bench: runs the store's `evaluate` on a seeded
 * table twice (the first evaluation writes every verdict and opens the seeded incidents; the
 * second is a steady round with nothing new) and prints one JSON line: wall times, what was
 * judged and this process's peak RSS. Arguments: endpoint table shards regions(JSON) nowIso.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createStore } from "../../packages/core/src/store/index.js";

const [endpoint, tableName, shards, regionsJson, nowIso] = process.argv.slice(2);
const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" }, maxAttempts: 10 });
const store = createStore({ client, tableName: tableName!, shards: Number(shards), now: () => new Date(nowIso!) });
const regions = JSON.parse(regionsJson!) as string[];
const runs: Array<{ ms: number; verdicts: number; opened: number; down: number }> = [];
for (let run = 0; run < 2; run++) {
  const started = performance.now();
  const outcome = await store.evaluate({ now: new Date(nowIso!), regions, staleAfterMs: 180_000 });
  runs.push({ ms: performance.now() - started, verdicts: outcome.verdicts.length, opened: outcome.opened.length, down: outcome.verdicts.filter((v) => v.verdict === "down").length });
}
// maxRSS is in KiB: the peak of this whole process, seeding excluded (the parent seeded the table).
process.stdout.write(`${JSON.stringify({ runs, peakRssMb: process.resourceUsage().maxRSS / 1024 })}\n`);
process.exit(0);
