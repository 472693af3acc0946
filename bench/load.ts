/**
 * Load: the local mesh's pieces wired as `startMesh` wires them (DynamoDB Local on disk, one
 * Invoke-API probe worker per region, the scheduler invoking them with the real Lambda client)
 * run a 1,000-check loopback plan every 15 s for 5 minutes (1 minute with --quick). The plan has
 * the lab catalog's mix (mostly tcp, some tls and udp, a few dns) and 1,000 distinct targets (one
 * name per check, resolved by the lab DNS), so no two checks share a probe; the targets count the
 * connections, datagrams and queries they served, and the rows report that next to the checks planned. Figures: stored results per minute (goal ≥ 10,000), loss = produced − stored physical
 * copies (goal 0), memory of the mesh process and of DynamoDB Local over time, and the run priced:
 * DynamoDB units as DynamoDB Local reported them and measured invocation times, × published prices,
 * next to `probemesh cost`'s estimate and duration model for the same workload (bench/lib/load-cost.ts).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Check } from "@probemesh/core/check";
import { createGuard } from "@probemesh/core/guard";
import { createCA, issueCert } from "@probemesh/core/pki";
import { dnsLookup } from "@probemesh/core/probers";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { DEFAULT_REGIONS, probeFunctionName } from "../packages/functions/src/config/index.js";
import { startDynamoLocal } from "../packages/functions/src/dynamo-local/index.js";
import { createProbeFunction } from "../packages/functions/src/probe/index.js";
import { runRound, type RoundReport } from "../packages/functions/src/rounds/index.js";
import { createProbeInvoker } from "../packages/functions/src/invoke/client.js";
import { startInvokeServer, type InvokeServer } from "../packages/functions/src/invoke/index.js";
import { startLabDns } from "../packages/functions/src/lab/dns.js";
import { rawCopies } from "../test/durability/raw-copies.js";
import { meter, type CapacityTotals } from "./lib/capacity.js";
import { countingTcp, countingTls, countingUdp } from "./lib/counting-listeners.js";
import { loadCostRows } from "./lib/load-cost.js";
import { sleep } from "./lib/rate.js";
import { median, percentile, type Row, type Section } from "./lib/report.js";
import { withWork } from "./lib/work.js";

const CHECKS = 1000;
const INTERVAL_MS = 15_000;
const GOAL_PER_MINUTE = 10_000;
const TABLE = "probemesh-load";
/** The store's default partitions per region, named here because the cost estimate needs them too. */
const SHARDS = 4;
/** One name per check: every check is a distinct target, so none share a probe (engine: same target = one probe). */
const nameOf = (i: number) => `c${i}.load.test`;
/** The lab catalog's mix: 87 % tcp, 6 % udp, 5 % tls, 2 % dns. */
const kindOf = (i: number) => {
  const slot = i % 100;
  return slot < 87 ? "tcp" : slot < 93 ? "udp" : slot < 98 ? "tls" : "dns";
};
const mb = (bytes: number) => bytes / 2 ** 20;

function rssOfPid(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

function pidListeningOn(port: number): number {
  return Number(/pid=(\d+)/.exec(execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" }))?.[1]);
}

function memoryRow(metric: string, value: number, baselineValue: number, note: string): Row {
  const ratio = value / baselineValue;
  return { section: "load", metric, value, unit: "MiB", baseline: "median RSS in the middle fifth of the run", baselineValue, ratio, goal: "bounded (≤ 1.1)", pass: ratio <= 1.1, note };
}

export const load: Section = async ({ quick, log }) => {
  const section = "load";
  const durationMs = quick ? 60_000 : 300_000;
  const regions = [...DEFAULT_REGIONS];
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-load-"));
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const dynamo = await startDynamoLocal({ dataDir: join(dir, "data") });
    stops.push(() => dynamo.stop());
    const javaPid = pidListeningOn(dynamo.port);
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    stops.push(() => client.destroy());
    const capacity = meter(client);
    await ensureTable(client, TABLE);
    const store = createStore({ client, tableName: TABLE, shards: SHARDS });

    const ca = await createCA({ name: "probemesh load CA" });
    const indexes = Array.from({ length: CHECKS }, (_, i) => i);
    const leaf = await issueCert(ca, { names: indexes.filter((i) => kindOf(i) === "tls").map(nameOf) });
    // The targets count what they serve, so the rows can say how many probes really ran.
    const tcp = await countingTcp();
    const tlsListener = await countingTls({ cert: leaf.certPem, key: leaf.keyPem });
    const udp = await countingUdp();
    const resolver = await startLabDns({ records: new Map(indexes.map((i) => [nameOf(i), "127.0.0.1"])) });
    const dns = await startLabDns({ records: new Map(indexes.filter((i) => kindOf(i) === "dns").map((i) => [nameOf(i), "127.0.0.1"])) });
    for (const l of [tcp, tlsListener, udp, resolver, dns]) stops.push(() => l.close());
    const probesSeen = () => tcp.count() + tlsListener.count() + udp.count() + [...dns.queries.values()].reduce((a, b) => a + b, 0);
    const checks: Check[] = indexes.map((i) => {
      const name = nameOf(i);
      const kind = kindOf(i);
      const target =
        kind === "tcp" ? `tcp://${name}:${tcp.port}` : kind === "udp" ? `udp://${name}:${udp.port}?payload=6c6f6164` : kind === "tls" ? `tls://${name}:${tlsListener.port}` : `dns://${dns.server}/${name}?type=A`;
      return { checkId: `load-${i}`, target };
    });
    if (new Set(checks.map((c) => c.target)).size !== CHECKS) throw new Error("the load plan's targets are not distinct");

    let produced = 0;
    let writeErrors = 0;
    let bucketsClosed = 0;
    /** Slowest result of each region-round: what the duration model takes as the round's latency. */
    const slowest = new Map<string, number>();
    const counted: Pick<Store, "writeResults" | "addProbeResults"> = {
      writeResults: async (region, roundId, results) => {
        produced += results.length;
        slowest.set(`${region} ${roundId}`, Math.max(0, ...results.map((r) => r.durationMs)));
        try {
          const summary = await store.writeResults(region, roundId, results);
          bucketsClosed += summary.bucketsClosed;
          return summary;
        } catch (error) {
          writeErrors++;
          throw error;
        }
      },
      addProbeResults: (id, region, results) => store.addProbeResults(id, region, results),
    };
    const workers: Record<string, InvokeServer> = {};
    for (const region of regions) {
      workers[region] = await startInvokeServer({
        region,
        timeoutMs: 60_000,
        functions: {
          [probeFunctionName(region)]: createProbeFunction({
            store: counted,
            region,
            guard: createGuard(),
            timeoutMs: 3000,
            context: () => ({ lookup: dnsLookup({ server: resolver.server, timeoutMs: 2000 }), ca: [ca.certPem] }),
          }),
        },
      });
      stops.push(() => workers[region]!.close());
    }
    const invoker = createProbeInvoker({
      functions: Object.fromEntries(regions.map((r) => [r, probeFunctionName(r)])),
      endpoints: Object.fromEntries(regions.map((r) => [r, workers[r]!.url])),
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    stops.push(() => invoker.destroy());
    const deps = { store, regions, checks: () => checks, runProbe: invoker.run, roundDeadlineMs: 12_000, staleAfterMs: 3 * INTERVAL_MS };

    const memory: Array<{ t: number; rssMb: number; heapMb: number; javaRssMb: number }> = [];
    const sample = () => {
      const usage = process.memoryUsage();
      memory.push({ t: Date.now() - started, rssMb: mb(usage.rss), heapMb: mb(usage.heapUsed), javaRssMb: mb(rssOfPid(javaPid)) });
    };
    const reports: Array<RoundReport & { ms: number }> = [];
    const unitsAfterRound: CapacityTotals[] = [];
    const started = Date.now();
    const sampler = setInterval(sample, 5000);
    sample();
    try {
      // Rounds at 0, 15 s, …, durationMs: the last one ends after the full duration, so the rate is measured over at least that long.
      for (let tick = 0; tick * INTERVAL_MS <= durationMs; tick++) {
        await sleep(Math.max(0, started + tick * INTERVAL_MS - Date.now()));
        const t = Date.now();
        const report = await runRound(deps);
        reports.push({ ...report, ms: Date.now() - t });
        unitsAfterRound.push(capacity.snapshot());
        const failed = report.regions.filter((r) => !r.ok);
        log(`round ${tick + 1}: ${Date.now() - t} ms${failed.length ? `, regions not answering: ${failed.map((r) => `${r.region} (${r.error})`).join("; ")}` : ""}`);
      }
    } finally {
      clearInterval(sampler);
    }
    const elapsedMin = (Date.now() - started) / 60_000;
    sample();
    const copies = await rawCopies(client, TABLE, regions);
    const unique = new Set(copies).size;
    const perMinute = copies.length / elapsedMin;
    const roundMs = reports.map((r) => r.ms);
    // Bounded = no growth once warmed up: the middle fifth of the run against the last fifth.
    const window = (from: number, to: number) => memory.filter((m) => m.t >= from * durationMs && m.t <= to * durationMs);
    const warm = window(0.4, 0.6);
    const end = window(0.8, 1.05);
    const rssOf = (list: typeof memory, key: "rssMb" | "javaRssMb") => median(list.map((m) => m[key]));
    const last = memory.at(-1)!;
    const peakRss = Math.max(...memory.map((m) => m.rssMb));
    const peakJava = Math.max(...memory.map((m) => m.javaRssMb));
    const notAnswering = reports.flatMap((r) => r.regions).filter((r) => !r.ok).length;
    const cost = loadCostRows({
      checks,
      regions: regions.length,
      intervalS: INTERVAL_MS / 1000,
      shards: SHARDS,
      rounds: reports.map((r) => ({ ms: r.ms, regions: r.regions.map((x) => ({ ms: x.summary?.durationMs ?? Number.NaN, slowestCheckMs: slowest.get(`${x.region} ${r.roundId}`) ?? 0 })) })),
      unitsAfterRound,
      bucketsClosed,
      results: copies.length,
    });
    const work = { checksPlanned: CHECKS * regions.length * reports.length, probesExecuted: probesSeen() };
    const rows: Row[] = [
      withWork({ section, metric: `stored results/min over ${elapsedMin.toFixed(1)} min`, value: perMinute, unit: "/min", baseline: "goal", baselineValue: GOAL_PER_MINUTE, ratio: perMinute / GOAL_PER_MINUTE, goal: "≥ 1.0", pass: perMinute >= GOAL_PER_MINUTE, note: `${reports.length} rounds of ${CHECKS} checks × ${regions.length} regions; round p50 ${median(roundMs).toFixed(0)} ms, max ${Math.max(...roundMs)} ms` }, work),
      withWork({ section, metric: "lost results (produced − stored)", value: produced - unique, unit: "", baseline: "produced", baselineValue: produced, ratio: (produced - unique) / produced, goal: "0", pass: produced === unique && copies.length === unique && writeErrors === 0 && notAnswering === 0, note: `${copies.length - unique} duplicate copies, ${writeErrors} failed writes, ${notAnswering} region-rounds not answering` }, work),
      memoryRow("mesh process RSS, last fifth of the run", rssOf(end, "rssMb"), rssOf(warm, "rssMb"), `peak ${peakRss.toFixed(0)} MiB, ${memory[0]!.rssMb.toFixed(0)} MiB at start; heap ${last.heapMb.toFixed(0)} MiB at end`),
      memoryRow("DynamoDB Local RSS, last fifth of the run", rssOf(end, "javaRssMb"), rssOf(warm, "javaRssMb"), `peak ${peakJava.toFixed(0)} MiB, ${memory[0]!.javaRssMb.toFixed(0)} MiB at start`),
      ...cost.rows.map((row) => withWork(row, work)),
    ];
    return {
      section,
      rows,
      skipped: [],
      raw: { durationMs, intervalMs: INTERVAL_MS, checks: CHECKS, ...work, cost: cost.raw, produced, stored: copies.length, unique, writeErrors, roundMs, p95RoundMs: percentile(roundMs, 95), memory },
    };
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
};
