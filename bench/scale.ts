/**
 * Scale: the real pieces at 100,000 checks a minute. DynamoDB Local on disk, one region worker
 * process per region running the built probe bundle behind the Invoke API (mesh/workers.ts, the
 * processes `npm start` runs; each serves the round's invocations concurrently), and the real
 * scheduler (`runRound` from the composition root) splitting each region's plan into
 * invocations (rounds/shards.ts). Every check is a distinct loopback TCP target (its own
 * address:port, served by bench/lib/loopback-targets.ts in another process), so the targets'
 * accept count says how many probes really ran. "Stored" is counted from the physical copies
 * DynamoDB holds (test/durability/raw-copies.ts), not from the summaries.
 *
 * Duration: 5 minutes (1 with --quick, or PROBEMESH_BENCH_MINUTES=n). Workload:
 * PROBEMESH_BENCH_SCALE_CHECKS checks per region (default 12,500) × 2 regions every 15 s.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Check } from "@probemesh/core/check";
import { ensureTable } from "@probemesh/core/store";
import { loadSettings, probeFunctionName } from "../packages/functions/src/config/index.js";
import { startDynamoLocal } from "../packages/functions/src/dynamo-local/index.js";
import { buildMeshBundles } from "../packages/functions/src/mesh/bundle.js";
import { startWorker, type RegionWorker } from "../packages/functions/src/mesh/workers.js";
import { roundDepsOf, runRound, type RoundReport } from "../packages/functions/src/rounds/index.js";
import { createRuntime } from "../packages/functions/src/runtime/index.js";
import { rawCopies } from "../test/durability/raw-copies.js";
import { startTsChild } from "./lib/child.js";
import { settledCounts } from "./lib/memory.js";
import { sleep } from "./lib/rate.js";
import { median, percentile, type Row, type Section } from "./lib/report.js";
import { withWork } from "./lib/work.js";

const REGIONS = ["us-east-1", "eu-west-1"];
/** 12,500 checks × 2 regions every 15 s: the targets process stays within a 20,000 file descriptor limit. */
const INTERVAL_MS = 15_000;
const GOAL_PER_MINUTE = 100_000;
/** A state shard holds a few thousand checks within the store's 380 KB cap: 12,500 checks need ≥ 4; 8 keeps each far below it. */
const STORE_SHARDS = 8;
const TABLE = "probemesh-scale";
const mb = (bytes: number) => bytes / 2 ** 20;

function rssOfPid(pid: number | undefined): number {
  if (!pid) return Number.NaN;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? mb(Number(match[1]) * 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function pidListeningOn(port: number): number {
  return Number(/pid=(\d+)/.exec(execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" }))?.[1]);
}

function minutesOf(quick: boolean): number {
  const fromEnv = Number(process.env.PROBEMESH_BENCH_MINUTES);
  if (process.env.PROBEMESH_BENCH_MINUTES !== undefined && !(fromEnv > 0 && fromEnv <= 60)) throw new Error("PROBEMESH_BENCH_MINUTES must be a number of minutes in (0, 60]");
  return fromEnv > 0 ? fromEnv : quick ? 1 : 5;
}

export const scale: Section = async ({ quick, log }) => {
  const section = "scale";
  const minutes = minutesOf(quick);
  const durationMs = minutes * 60_000;
  const checksPerRegion = Number(process.env.PROBEMESH_BENCH_SCALE_CHECKS ?? 12_500);
  if (!(Number.isInteger(checksPerRegion) && checksPerRegion > 0 && checksPerRegion <= 100_000)) throw new Error("PROBEMESH_BENCH_SCALE_CHECKS must be an integer in 1..100000");
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-scale-"));
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const dynamo = await startDynamoLocal({ dataDir: join(dir, "data") });
    stops.push(() => dynamo.stop());
    const targets = await startTsChild<{ targets: string[] }>("bench/lib/loopback-targets.ts", [String(checksPerRegion)]);
    stops.push(() => targets.stop());
    const bundles = await buildMeshBundles(join(dir, "build"));
    const javaPid = pidListeningOn(dynamo.port);
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    stops.push(() => client.destroy());
    await ensureTable(client, TABLE);
    const checks: Check[] = targets.info.targets.map((target, i) => ({ checkId: `scale-${i}`, target: `tcp://${target}` }));
    if (new Set(checks.map((c) => c.target)).size !== checksPerRegion) throw new Error("the scale plan's targets are not distinct");

    // The Lambda environment, as the mesh gives it to every region worker.
    const env = {
      ...process.env,
      PROBEMESH_REGIONS: REGIONS.join(","),
      PROBEMESH_TABLE: TABLE,
      PROBEMESH_STORE_SHARDS: String(STORE_SHARDS),
      PROBEMESH_INTERVAL_S: String(INTERVAL_MS / 1000),
      PROBEMESH_PROBE_TIMEOUT_MS: "3000",
      PROBEMESH_PROBE_CONCURRENCY: "64",
      PROBEMESH_SPOOL_DIR: join(dir, "spool"),
      DYNAMODB_ENDPOINT: dynamo.endpoint,
    };
    const settings = loadSettings(env);
    const workers: Record<string, RegionWorker> = {};
    for (const region of REGIONS) {
      workers[region] = await startWorker(
        { region, functionName: probeFunctionName(region), hostFile: bundles.invokeHost.file, handlerFile: bundles.probe.file, env, timeoutMs: 60_000 },
        (line) => log(line),
      );
      stops.push(() => workers[region]!.stop());
    }
    const runtime = await createRuntime(
      { ...settings, dynamodbEndpoint: dynamo.endpoint, lambdaEndpoints: Object.fromEntries(REGIONS.map((r) => [r, workers[r]!.url])) },
      { checks },
    );
    stops.push(() => runtime.destroy());
    // The scheduler's own dependencies; the evaluation is timed apart, as the round's part that grows with checks × regions.
    const evaluateMs: number[] = [];
    const base = roundDepsOf(runtime);
    const deps = {
      ...base,
      store: {
        recordHeartbeat: base.store.recordHeartbeat,
        evaluate: async (options: Parameters<typeof base.store.evaluate>[0]) => {
          const t = performance.now();
          try {
            return await base.store.evaluate(options);
          } finally {
            evaluateMs.push(performance.now() - t);
          }
        },
      },
    };

    const memory: Array<{ t: number; schedulerMb: number; workersMb: number; dynamoMb: number }> = [];
    const started = Date.now();
    const sample = () =>
      memory.push({
        t: Date.now() - started,
        schedulerMb: mb(process.memoryUsage().rss),
        workersMb: REGIONS.reduce((sum, r) => sum + rssOfPid(workers[r]!.pid()), 0),
        dynamoMb: rssOfPid(javaPid),
      });
    const sampler = setInterval(sample, 5000);
    sample();
    const reports: Array<RoundReport & { ms: number }> = [];
    try {
      // Rounds at 0, 30 s, … while the next one still starts inside the duration.
      for (let tick = 0; tick * INTERVAL_MS < durationMs; tick++) {
        await sleep(Math.max(0, started + tick * INTERVAL_MS - Date.now()));
        const t = Date.now();
        const report = await runRound(deps);
        reports.push({ ...report, ms: Date.now() - t });
        const troubles = report.regions.filter((r) => !r.ok || r.failedShards > 0).map((r) => `${r.region}: ${r.failedShards}/${r.shards} shards failed (${r.error})`);
        log(`round ${tick + 1}: ${Date.now() - t} ms, ${report.regions.map((r) => `${r.region} ${r.shards} shards ${r.summary?.checks ?? 0} results (${r.summary?.counts.pass ?? 0} pass, ${r.summary?.counts.fail ?? 0} fail)`).join(", ")}${report.storeError ? `, store: ${report.storeError}` : ""}${troubles.length ? `; ${troubles.join("; ")}` : ""}`);
      }
    } finally {
      clearInterval(sampler);
    }
    // Measured from the first round's start to the end of the last one: every stored result was made inside it.
    const elapsedMin = (Date.now() - started) / 60_000;
    sample();
    const expected = checksPerRegion * REGIONS.length * reports.length;
    const counted = await settledCounts(targets, expected);
    const probesExecuted = counted.accepted;
    const copies = await rawCopies(client, TABLE, REGIONS, STORE_SHARDS);
    const unique = new Set(copies).size;
    const lost = expected - unique;
    const duplicates = copies.length - unique;
    const perMinute = copies.length / elapsedMin;
    const roundMs = reports.map((r) => r.ms);
    const roundP95Ms = percentile(roundMs, 95);
    const shardsPerRegionRound = median(reports.flatMap((r) => r.regions.map((x) => x.shards)));
    const failedShards = reports.flatMap((r) => r.regions).reduce((n, r) => n + r.failedShards, 0);
    const spooled = reports.flatMap((r) => r.regions).reduce((n, r) => n + (r.summary?.spooled ?? 0), 0);
    // Bounded = the last third of the run does not grow past the middle third by more than 10 %.
    const third = (from: number, to: number) => memory.filter((m) => m.t >= from * durationMs && m.t <= to * durationMs);
    const rssRow = (metric: string, key: "schedulerMb" | "workersMb" | "dynamoMb"): Row => {
      const warm = median(third(1 / 3, 2 / 3).map((m) => m[key]));
      const end = median(third(2 / 3, 1.1).map((m) => m[key]));
      return { section, metric, value: end, unit: "MiB", baseline: "median RSS in the middle third of the run", baselineValue: warm, ratio: end / warm, goal: "bounded (≤ 1.1)", pass: end / warm <= 1.1, note: `peak ${Math.max(...memory.map((m) => m[key])).toFixed(0)} MiB` };
    };
    const work = { checksPlanned: expected, probesExecuted };
    const load = (await import("node:os")).loadavg().map((l) => Number(l.toFixed(2)));
    const rows: Row[] = [
      withWork({ section, metric: `stored results/min over ${elapsedMin.toFixed(1)} min`, value: perMinute, unit: "/min", baseline: "goal", baselineValue: GOAL_PER_MINUTE, ratio: perMinute / GOAL_PER_MINUTE, goal: "≥ 1.0", pass: perMinute >= GOAL_PER_MINUTE, note: `${reports.length} rounds of ${checksPerRegion} checks × ${REGIONS.length} regions every ${INTERVAL_MS / 1000} s, ${shardsPerRegionRound} invocations per region-round; load average at end ${load.join(" ")}` }, work),
      withWork({ section, metric: "lost results (planned − stored)", value: lost, unit: "", baseline: "planned", baselineValue: expected, ratio: lost / expected, goal: "0", pass: lost === 0 && duplicates === 0 && failedShards === 0, note: `${duplicates} duplicate copies, ${failedShards} failed invocations, ${spooled} spooled; target accept() errors ${JSON.stringify(counted.acceptErrors ?? {})}, at most ${counted.peakOpen} sockets open at once in the target process (descriptor limit ${counted.fdLimit}, ${checksPerRegion} of them listeners)` }, work),
      { section, metric: "round p95 (all regions, evaluation included)", value: roundP95Ms, unit: "ms", baseline: "interval", baselineValue: INTERVAL_MS, ratio: roundP95Ms / INTERVAL_MS, goal: "< 1.0", pass: roundP95Ms < INTERVAL_MS, note: `p50 ${median(roundMs).toFixed(0)} ms, max ${Math.max(...roundMs)} ms; evaluation p50 ${median(evaluateMs).toFixed(0)} ms, max ${Math.max(...evaluateMs).toFixed(0)} ms` },
      rssRow("scheduler process RSS, last third", "schedulerMb"),
      rssRow("region workers RSS (sum), last third", "workersMb"),
      rssRow("DynamoDB Local RSS, last third", "dynamoMb"),
    ];
    return {
      section,
      rows,
      skipped: [],
      raw: {
        resultsPerMinute: perMinute,
        lost,
        duplicates,
        shardsPerRegionRound,
        roundP95Ms,
        intervalMs: INTERVAL_MS,
        ...work,
        // A target process past its descriptor limit has the kernel complete connections it then drops unseen (libuv's EMFILE path): the probe passed, the count misses it.
        targetAcceptErrors: counted.acceptErrors ?? {},
        // Listeners + the sockets open at once must stay under the target process's descriptor limit (bench/lib/loopback-targets.ts).
        targetFdLimit: counted.fdLimit,
        targetPeakOpenSockets: counted.peakOpen,
        minutes,
        regions: REGIONS,
        checksPerRegion,
        storeShards: STORE_SHARDS,
        stored: copies.length,
        failedShards,
        spooled,
        roundMs,
        evaluateMs: evaluateMs.map(Math.round),
        loadavgAtEnd: load,
        rss: memory,
      },
    };
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
};
