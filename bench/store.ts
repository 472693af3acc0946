/**
 * Store benchmark (`npx tsx bench/store.ts [--quick]`, or the `store` section of `npm run bench`).
 * Starts its own in-memory DynamoDB Local and measures, in the same run:
 *  1. results/s through `Store.writeResults` (packed raw items, state blobs) vs a plain
 *     loop of one PutItem per result, plus write units per result for both;
 *  2. a 30-day history of one check × 3 regions from rollups (1h and 1d) vs from raw rows.
 */
import { fileURLToPath } from "node:url";
import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { unpackJson } from "../packages/core/src/store/codec.js";
import { createStore, ensureTable, type Store } from "../packages/core/src/store/index.js";
import type { ProbeResult } from "../packages/core/src/result/index.js";
import { startDynamoLocal } from "../packages/functions/src/dynamo-local/index.js";
import { meter } from "./lib/capacity.js";
import { onInterrupt } from "./lib/cleanup.js";
import { renderTable, writeSectionResult, type Row, type Section, type SectionReport } from "./lib/report.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const DAY_MS = 86_400_000;

function clientFor(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "bench", secretAccessKey: "bench" } });
}

/** A realistic result: tcp/tls/http mix, ~4 % failures, log-normal-ish latency. */
function makeResult(checkId: string, region: string, at: string, seed: number): ProbeResult {
  const r = Math.abs(Math.sin(seed * 12.9898) * 43758.5453) % 1;
  const fail = r < 0.04;
  const latency = 8 + 40 * Math.exp(3 * (r - 0.5)) + (REGIONS.indexOf(region) + 1) * 30;
  return {
    checkId,
    target: `tls://${checkId}.us.api.konghq.example:443`,
    kind: "tls",
    region,
    at,
    status: fail ? "fail" : "pass",
    outcome: fail ? "tcp_timeout" : "ok",
    durationMs: Math.round((fail ? 5000 : latency) * 100) / 100,
    phases: fail ? { dnsMs: 2.1 } : { dnsMs: 2.1, connectMs: Math.round(latency * 40) / 100, tlsMs: Math.round(latency * 50) / 100 },
    remoteAddress: fail ? undefined : "127.0.0.42",
    detail: fail ? { timeoutMs: 5000 } : { protocol: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256" },
  };
}

async function measureWrites(endpoint: string, quick: boolean, rows: Row[], raw: Record<string, unknown>, log: (l: string) => void) {
  const checks = quick ? 200 : 500;
  const rounds = quick ? 4 : 10;
  const baselineRounds = quick ? 1 : 2;
  const client = clientFor(endpoint);
  const capacity = meter(client);
  await ensureTable(client, "bench-writes");
  // The clock follows the rounds, as in production (results are written as they happen).
  let clock = Date.UTC(2025, 0, 1, 12, 0, 30);
  const store = createStore({ client, tableName: "bench-writes", now: () => new Date(clock) });
  const roundResults = (k: number, region: string) => {
    const at = new Date(Date.UTC(2025, 0, 1, 12, k)).toISOString();
    return Array.from({ length: checks }, (_, i) => makeResult(`check-${i}`, region, at, k * checks + i));
  };
  capacity.reset();
  let started = performance.now();
  for (let k = 0; k < rounds; k++) {
    clock = Date.UTC(2025, 0, 1, 12, k, 30);
    // Regions report concurrently, as the region workers do.
    await Promise.all(REGIONS.map((region) => store.writeResults(region, `round-${k}`, roundResults(k, region))));
  }
  const storeSeconds = (performance.now() - started) / 1000;
  const storeResults = checks * rounds * REGIONS.length;
  const storeUnits = capacity.snapshot();
  raw.itemSizes = await itemSizes(client, "bench-writes");

  await ensureTable(client, "bench-plain");
  capacity.reset();
  started = performance.now();
  for (let k = 0; k < baselineRounds; k++) {
    for (const region of REGIONS) {
      for (const result of roundResults(k, region)) {
        await client.send(
          new PutItemCommand({
            TableName: "bench-plain",
            Item: {
              pk: { S: `RESULT#${result.checkId}#${result.region}` },
              sk: { S: result.at },
              result: { S: JSON.stringify(result) },
            },
          }),
        );
      }
    }
  }
  const plainSeconds = (performance.now() - started) / 1000;
  const plainResults = checks * baselineRounds * REGIONS.length;
  const plainUnits = capacity.snapshot();
  const storeRate = storeResults / storeSeconds;
  const plainRate = plainResults / plainSeconds;
  log(`writes: store ${storeRate.toFixed(0)}/s, plain PutItem loop ${plainRate.toFixed(0)}/s`);
  const sample = JSON.stringify(roundResults(0, "us-east-1")[0]).length;
  raw.writes = { checks, rounds, regions: REGIONS.length, storeResults, storeSeconds, storeUnits, plainResults, plainSeconds, plainUnits, resultJsonBytes: sample };
  rows.push(
    {
      section: "store",
      metric: `results/s through Store.writeResults (${checks} checks × 3 regions × ${rounds} rounds)`,
      value: storeRate,
      unit: "results/s",
      baseline: "one PutItem per result, plain loop",
      baselineValue: plainRate,
      ratio: storeRate / plainRate,
      goal: "≥ 5",
      pass: storeRate / plainRate >= 5,
    },
    {
      section: "store",
      metric: "write units per result (DynamoDB-reported, incl. region state)",
      value: storeUnits.write / storeResults,
      unit: "WRU",
      baseline: "one PutItem per result",
      baselineValue: plainUnits.write / plainResults,
      ratio: storeUnits.write / storeResults / (plainUnits.write / plainResults),
      goal: "≤ 0.5",
      pass: storeUnits.write / storeResults <= 0.5,
    },
  );
}

/** Measured bytes of the stored items (what write units are billed on). */
async function itemSizes(client: DynamoDBClient, tableName: string) {
  const doc = DynamoDBDocumentClient.from(client);
  const query = async (pk: string) =>
    (await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }))).Items ?? [];
  const size = (item: Record<string, unknown>) =>
    Object.entries(item).reduce((n, [name, value]) => n + name.length + (value instanceof Uint8Array ? value.byteLength : String(value).length), 0);
  const rawItems = await query("RAW#us-east-1#0");
  // The store's default 4 shards, each its own partition key.
  const shardStates = (await Promise.all([0, 1, 2, 3].map((shard) => query(`STATE#us-east-1#${shard}`)))).flat();
  const checksInState = shardStates.reduce((n, item) => n + Object.keys(unpackJson<object>(item.d as Uint8Array)).length, 0);
  return {
    rawBytesPerResult: rawItems.reduce((n, i) => n + size(i), 0) / rawItems.reduce((n, i) => n + Number(i.n), 0),
    rawItemBytes: rawItems.map(size),
    stateBytesPerCheck: shardStates.reduce((n, i) => n + size(i), 0) / checksInState,
  };
}

async function measureHistory(endpoint: string, quick: boolean, rows: Row[], raw: Record<string, unknown>, log: (l: string) => void) {
  const checks = quick ? 2 : 4;
  const days = 30;
  const everyMinutes = 1;
  const start = Date.UTC(2025, 1, 1);
  const end = start + days * DAY_MS;
  const client = clientFor(endpoint);
  const capacity = meter(client);
  await ensureTable(client, "bench-history");
  let clock = start;
  const store: Store = createStore({ client, tableName: "bench-history", now: () => new Date(clock) });
  log(`seeding ${days} days × ${checks} checks × 3 regions, one result per check per ${everyMinutes} min…`);
  const seeded = performance.now();
  let total = 0;
  for (let day = 0; day < days; day++) {
    clock = start + (day + 1) * DAY_MS + 10 * 60_000; // the day is over: its hours get rolled up
    await Promise.all(
      REGIONS.map(async (region) => {
        const results: ProbeResult[] = [];
        for (let minute = 0; minute < 1440; minute += everyMinutes) {
          const at = new Date(start + day * DAY_MS + minute * 60_000).toISOString();
          for (let c = 0; c < checks; c++) {
            const result = makeResult(`check-${c}`, region, at, day * 1e6 + minute * 100 + c + REGIONS.indexOf(region) * 1e9);
            results.push(result);
          }
        }
        total += results.length;
        await store.writeResults(region, `day-${day}`, results);
      }),
    );
  }
  const seedSeconds = (performance.now() - seeded) / 1000;
  log(`seeded ${total} results in ${seedSeconds.toFixed(1)} s`);
  const query = { checkId: "check-0", from: new Date(start).toISOString(), to: new Date(end).toISOString() };

  const timed = async (bucket: "raw" | "1h" | "1d", repeats: number) => {
    const times: number[] = [];
    let units = { read: 0, calls: 0 };
    let buckets = 0;
    let answer: Awaited<ReturnType<Store["history"]>> = [];
    for (let i = 0; i < repeats; i++) {
      capacity.reset();
      const t = performance.now();
      answer = await store.history({ ...query, bucket });
      times.push(performance.now() - t);
      units = capacity.snapshot();
      buckets = answer.length;
    }
    return { ms: Math.min(...times), readUnits: units.read, calls: units.calls, buckets, answer };
  };
  const daily = await timed("1d", 3);
  const hourly = await timed("1h", 3);
  const rawRows = await timed("raw", 1);
  log(`30-day history: 1d ${daily.ms.toFixed(0)} ms, 1h ${hourly.ms.toFixed(0)} ms, raw ${rawRows.ms.toFixed(0)} ms`);

  const doc = DynamoDBDocumentClient.from(client);
  const rollupItems = (await doc.send(new QueryCommand({ TableName: "bench-history", KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": "ROLL#check-0#us-east-1" } }))).Items ?? [];
  const rollupBytes = (prefix: string) => {
    const items = rollupItems.filter((i) => String(i.sk).startsWith(prefix));
    return items.reduce((n, i) => n + Object.entries(i).reduce((m, [k, v]) => m + k.length + (v instanceof Uint8Array ? v.byteLength : JSON.stringify(v).length), 0), 0) / items.length;
  };
  raw.rollupItemBytes = { hourly: rollupBytes("1h#"), daily: rollupBytes("1d#") };
  // Sanity: the rollups count exactly the results the raw rows hold.
  const rolledUp = daily.answer.reduce((n, b) => n + b.counts.pass + b.counts.fail + b.counts.inconclusive, 0);
  if (rolledUp !== rawRows.buckets) throw new Error(`rollups count ${rolledUp} results, raw rows ${rawRows.buckets}`);
  raw.history = {
    days,
    checks,
    regions: REGIONS.length,
    resultsStored: total,
    resultsForTheCheck: rawRows.buckets,
    seedSeconds,
    daily: strip(daily),
    hourly: strip(hourly),
    raw: strip(rawRows),
  };
  const dataSet = `${total.toLocaleString("en-US")} results (${days} d × ${checks} checks × 3 regions × 1/min)`;
  rows.push(
    {
      section: "store",
      metric: `30-day history, 1 check × 3 regions, 1d buckets from rollups — data set ${dataSet}`,
      value: daily.ms,
      unit: "ms",
      baseline: `same range from raw rows (${rawRows.buckets.toLocaleString("en-US")} results)`,
      baselineValue: rawRows.ms,
      ratio: rawRows.ms / daily.ms,
      goal: "raw/rollup ≥ 10",
      pass: rawRows.ms / daily.ms >= 10,
      note: `read units: rollup ${daily.readUnits.toFixed(1)} vs raw ${rawRows.readUnits.toFixed(1)}`,
    },
    {
      section: "store",
      metric: "30-day history, 1h buckets (2,160) from rollups",
      value: hourly.ms,
      unit: "ms",
      baseline: "same range from raw rows",
      baselineValue: rawRows.ms,
      ratio: rawRows.ms / hourly.ms,
      goal: "raw/rollup ≥ 2",
      pass: rawRows.ms / hourly.ms >= 2,
      note: `read units: rollup ${hourly.readUnits.toFixed(1)} vs raw ${rawRows.readUnits.toFixed(1)}`,
    },
  );
}

function strip<T extends { answer: unknown }>(value: T): Omit<T, "answer"> {
  const { answer, ...rest } = value;
  void answer;
  return rest;
}

/** The `store` bench section. */
export const store: Section = async ({ quick, log }): Promise<SectionReport> => {
  const dynamo = await startDynamoLocal({ inMemory: true });
  const forget = onInterrupt(() => void dynamo.stop());
  const rows: Row[] = [];
  const raw: Record<string, unknown> = { endpoint: dynamo.endpoint };
  try {
    await measureWrites(dynamo.endpoint, quick, rows, raw, log);
    await measureHistory(dynamo.endpoint, quick, rows, raw, log);
  } finally {
    forget();
    await dynamo.stop();
  }
  return { section: "store", rows, skipped: [], raw };
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const quick = process.argv.includes("--quick");
  const report = await store({ quick, log: (line) => process.stdout.write(`  [store] ${line}\n`) });
  const file = writeSectionResult(report, { node: process.version, quick });
  process.stdout.write(`${renderTable(report.rows)}\n→ ${file}\n`);
}
