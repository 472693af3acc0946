/**
 * Evaluate: the verdict evaluation at 100,000 checks × 20 regions (2 M latest results) against
 * the scheduler function it runs in. DynamoDB Local in memory, the region state seeded directly
 * (the store's own `stateItem`, batch writes; no probing), then a fresh process
 * (bench/lib/evaluate-worker.ts) runs `evaluate` as the scheduler would: its wall time against the
 * scheduler's timeout, its peak RSS against the scheduler's memory size, results judged per
 * second. 1 % of the checks are down everywhere (incidents open), 1 % down in one region.
 * `--quick`: 100,000 checks × 2 regions. PROBEMESH_BENCH_EVAL_CHECKS / _REGIONS override the size.
 */
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { evaluationMs, FUNCTION_SIZES, schedulerMemoryFor } from "../packages/core/src/cost/functions.js";
import type { ProbeResult } from "../packages/core/src/result/index.js";
import { batchPutAll, DEFAULT_RETRY } from "../packages/core/src/store/retry.js";
import { createStore, ensureTable, shardOf } from "../packages/core/src/store/index.js";
import { stateItem, roundCounters, type StateBlob } from "../packages/core/src/store/state.js";
import { startDynamoLocal } from "../packages/functions/src/dynamo-local/index.js";
import { startTsChild } from "./lib/child.js";
import { onInterrupt } from "./lib/cleanup.js";
import { renderTable, writeSectionResult, type Row, type Section, type SectionReport } from "./lib/report.js";

const TABLE = "bench-evaluate";
const NOW = "2025-09-01T12:00:30.000Z";
const AT = "2025-09-01T12:00:00.000Z";
/** What the store needs at 100,000 checks per region (docs/deploy.md "Store shards"). */
const SHARDS = 32;

function sizeOf(quick: boolean): { checks: number; regions: string[] } {
  const checks = Number(process.env.PROBEMESH_BENCH_EVAL_CHECKS) || 100_000;
  const regionCount = Number(process.env.PROBEMESH_BENCH_EVAL_REGIONS) || (quick ? 2 : 20);
  return { checks, regions: Array.from({ length: regionCount }, (_, i) => `region-${String(i).padStart(2, "0")}`) };
}

/** Check i in region r: down everywhere for i % 100 === 7, down in region 0 for i % 100 === 42, else up. */
function entryOf(i: number, r: number, region: string): StateBlob[string] {
  const down = i % 100 === 7 || (i % 100 === 42 && r === 0);
  const result: ProbeResult = {
    checkId: `check-${i}`,
    target: `tls://svc-${i}.vendor.example.com:443`,
    kind: "tls",
    region,
    at: AT,
    status: down ? "fail" : "pass",
    outcome: down ? "tcp_timeout" : "ok",
    durationMs: down ? 5000 : 20 + ((i * 7 + r * 13) % 180),
    phases: down ? { dnsMs: 2 } : { dnsMs: 2, connectMs: 9, tlsMs: 14 },
    ...(down ? { detail: { timeoutMs: 5000 } } : { remoteAddress: "198.51.100.7", detail: { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256" } }),
  };
  return down
    ? { result, state: "down", consecutiveFailures: 3, consecutivePasses: 0, since: "2025-09-01T11:58:00.000Z", lastAt: AT, lastPassAt: "2025-09-01T11:57:00.000Z" }
    : { result, state: "up", consecutiveFailures: 0, consecutivePasses: 12, since: "2025-09-01T10:00:00.000Z", lastAt: AT, lastPassAt: AT };
}

/** Writes every region's state items (one per shard), the region records and heartbeats. */
async function seed(client: DynamoDBClient, checks: number, regions: string[], log: (line: string) => void): Promise<{ bytes: number; items: number }> {
  const doc = DynamoDBDocumentClient.from(client);
  const store = createStore({ client, tableName: TABLE, shards: SHARDS });
  const shardOfCheck = Array.from({ length: checks }, (_, i) => shardOf(`check-${i}`, SHARDS));
  let bytes = 0;
  let items = 0;
  for (const [r, region] of regions.entries()) {
    const blobs = Array.from({ length: SHARDS }, (): StateBlob => ({}));
    for (let i = 0; i < checks; i++) blobs[shardOfCheck[i]!]![`check-${i}`] = entryOf(i, r, region);
    const stateItems = blobs.map((blob, shard) => stateItem(region, shard, blob, 1, NOW, roundCounters(Object.values(blob).map((e) => e.result))));
    bytes += stateItems.reduce((n, item) => n + item.d.byteLength, 0);
    items += stateItems.length;
    // One item a call: each is ~100-200 KB, and a BatchWriteItem request stops at 16 MB.
    for (const item of stateItems) await batchPutAll(doc, TABLE, [item], DEFAULT_RETRY);
    await batchPutAll(doc, TABLE, [{ pk: "REGIONS", sk: region, shards: new Set([SHARDS]) }], DEFAULT_RETRY);
    await store.recordHeartbeat({ region, roundId: "r1", at: AT, ok: true, checks });
    if (r % 5 === 4 || r === regions.length - 1) log(`seeded ${r + 1}/${regions.length} regions (${(bytes / 2 ** 20).toFixed(0)} MB of state)`);
  }
  return { bytes, items };
}

interface WorkerReport {
  runs: Array<{ ms: number; verdicts: number; opened: number; down: number }>;
  peakRssMb: number;
}

/** The `evaluate` bench section. */
export const evaluate: Section = async ({ quick, log }): Promise<SectionReport> => {
  const { checks, regions } = sizeOf(quick);
  const results = checks * regions.length;
  const dynamo = await startDynamoLocal({ inMemory: true });
  const forget = onInterrupt(() => void dynamo.stop());
  try {
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
    await ensureTable(client, TABLE, { timeToLive: false });
    const seedStarted = performance.now();
    const seeded = await seed(client, checks, regions, log);
    log(`seeded ${results.toLocaleString("en-US")} results in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s; evaluating in a fresh process…`);
    const worker = await startTsChild<WorkerReport>("bench/lib/evaluate-worker.ts", [dynamo.endpoint, TABLE, String(SHARDS), JSON.stringify(regions), NOW]);
    await worker.stop();
    const { runs, peakRssMb } = worker.info;
    const [first, steady] = runs as [WorkerReport["runs"][0], WorkerReport["runs"][0]];
    const timeoutMs = FUNCTION_SIZES.scheduler.timeoutS * 1000;
    // The scheduler a deploy of this plan gets (PROBEMESH_SCHEDULER_MEMORY_MB as `probemesh cost` advises it): this
    // machine's core stands in for its CPU, so the wall time is compared with the model's share of the timeout.
    const { memoryMb } = schedulerMemoryFor(results);
    const modelMs = evaluationMs(results, memoryMb);
    const size = `${checks.toLocaleString("en-US")} checks × ${regions.length} regions, ${SHARDS} shards`;
    const section = "evaluate";
    const rows: Row[] = [
      { section, metric: `evaluate() wall time, ${results.toLocaleString("en-US")} results (steady round)`, value: steady.ms, unit: "ms", baseline: `evaluation model at ${memoryMb} MB`, baselineValue: modelMs, ratio: steady.ms / modelMs, goal: "≤ 1.0", pass: steady.ms <= modelMs, note: `${size}; first evaluation (every verdict written, ${first.opened.toLocaleString("en-US")} incidents opened) ${first.ms.toFixed(0)} ms; one process on a shared 2-core machine, DynamoDB Local on the same cores` },
      { section, metric: "evaluating process peak RSS", value: peakRssMb, unit: "MB", baseline: "sized scheduler memory", baselineValue: memoryMb, ratio: peakRssMb / memoryMb, goal: "< 1.0", pass: peakRssMb < memoryMb, note: `${size}; both evaluations, Node's own baseline included` },
      { section, metric: "results judged per second (steady round)", value: results / (steady.ms / 1000), unit: "results/s", baseline: "2 M results within the scheduler timeout", baselineValue: 2_000_000 / (timeoutMs / 1000), ratio: results / (steady.ms / 1000) / (2_000_000 / (timeoutMs / 1000)), goal: "≥ 1.0", pass: results / (steady.ms / 1000) >= 2_000_000 / (timeoutMs / 1000) },
    ];
    return { section, rows, skipped: [], raw: { checks, regions: regions.length, shards: SHARDS, results, stateBytes: seeded.bytes, stateItems: seeded.items, runs, peakRssMb, schedulerTimeoutMs: timeoutMs, schedulerMemoryMb: memoryMb, modelMs } };
  } finally {
    forget();
    await dynamo.stop();
  }
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick");
  const report = await evaluate({ quick, log: (line) => process.stdout.write(`  [evaluate] ${line}\n`) });
  const file = writeSectionResult(report, { node: process.version, quick });
  process.stdout.write(`${renderTable(report.rows)}\n→ ${file}\n`);
}
