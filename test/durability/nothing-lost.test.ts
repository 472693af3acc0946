/**
 * Nothing lost: the mesh's real pieces (DynamoDB Local on disk, one probe-function process per
 * region behind the Invoke API, the scheduler with the real Lambda client) survive DynamoDB Local
 * being killed and restarted mid-round and a region worker being killed mid-round. Every result a
 * worker produced is stored exactly once (counted key by key), and the killed region goes stale —
 * never down.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Check } from "@probemesh/core/check";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { probeFunctionName } from "../../packages/functions/src/config/index.js";
import { startDynamoLocal, type DynamoLocal } from "../../packages/functions/src/dynamo-local/index.js";
import { runRound, type RoundReport, type RoundDeps } from "../../packages/functions/src/rounds/index.js";
import { createProbeInvoker, type ProbeInvoker } from "../../packages/functions/src/invoke/client.js";
import { startListener, type LabListener } from "../../packages/functions/src/lab/listeners.js";
import { rawCopies } from "./raw-copies.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const VICTIM = "ap-southeast-2";
const TABLE = "durability";
/** Every HTTP check waits this long for its first byte: the window in which things get killed. */
const SLOW_MS = 1200;
const STALE_AFTER_MS = 4000;

interface Worker {
  child: ChildProcess;
  url: string;
  produced: string[];
  /** When each batch was handed to the store (ms since epoch). */
  writesStartedAt: number[];
  writeErrors: string[];
}

function startWorker(region: string, endpoint: string): Promise<Worker> {
  const script = fileURLToPath(new URL("./region-worker.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", script, JSON.stringify({ region, endpoint, tableName: TABLE, timeoutMs: 5000 })], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-2000)));
  return new Promise((resolve, reject) => {
    const worker: Worker = { child, url: "", produced: [], writesStartedAt: [], writeErrors: [] };
    child.once("exit", (code) => reject(new Error(`${region} worker exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const message = JSON.parse(line) as { url?: string; produced?: string[]; writeError?: string };
      if (message.produced) {
        worker.produced.push(...message.produced);
        worker.writesStartedAt.push(Date.now());
      }
      if (message.writeError) worker.writeErrors.push(message.writeError);
      if (message.url) {
        worker.url = message.url;
        child.removeAllListeners("exit");
        resolve(worker);
      }
    });
  });
}

/** The JVM listening on `port` (started by this test): SIGKILL, no chance to flush anything. */
function killListener(port: number): void {
  const line = execFileSync("ss", ["-Hltnp", `sport = :${port}`], { encoding: "utf8" });
  const pid = Number(/pid=(\d+)/.exec(line)?.[1]);
  if (!pid) throw new Error(`nothing listens on ${port}: ${line}`);
  process.kill(pid, "SIGKILL");
}

const normalKey = (key: string) => {
  const [checkId, region, at] = key.split(" ");
  return `${checkId} ${region} ${new Date(at!).toISOString()}`;
};

describe("nothing lost when DynamoDB Local or a region worker dies mid-round", () => {
  let dir: string;
  let dynamo: DynamoLocal;
  let port: number;
  let client: DynamoDBClient;
  let store: Store;
  let listener: LabListener;
  let invoker: ProbeInvoker;
  let deps: RoundDeps;
  const workers = new Map<string, Worker>();
  const reports: RoundReport[] = [];
  const started = new Date();
  /** Connections the slow target has seen: the event that says a round's probes are in flight. */
  let connections = 0;

  const round = async (during?: () => Promise<void>) => {
    const seen = connections;
    const running = runRound(deps);
    if (during) {
      // Mid-round: every region's probes have reached the slow target and wait for its answer.
      while (connections < seen + REGIONS.length) await new Promise((resolve) => setTimeout(resolve, 10));
      await during();
    }
    const report = await running;
    reports.push(report);
    return report;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pm-durability-"));
    dynamo = await startDynamoLocal({ dataDir: join(dir, "data") });
    port = dynamo.port;
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    await ensureTable(client, TABLE);
    store = createStore({ client, tableName: TABLE });
    listener = await startListener({ kind: "http", address: "127.0.0.1", treatment: () => {
        connections += 1;
        return { kind: "delay", ms: SLOW_MS };
      },
    });
    await Promise.all(REGIONS.map(async (region) => workers.set(region, await startWorker(region, dynamo.endpoint))));
    invoker = createProbeInvoker({
      functions: Object.fromEntries(REGIONS.map((r) => [r, probeFunctionName(r)])),
      endpoints: Object.fromEntries(REGIONS.map((r) => [r, workers.get(r)!.url])),
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
    const checks: Check[] = Array.from({ length: 24 }, (_, i) => ({ checkId: `slow-${i}`, target: `http://127.0.0.1:${listener.port}/${i}` }));
    deps = { store, regions: REGIONS, checks: () => checks, runProbe: invoker.run, roundDeadlineMs: 15_000, staleAfterMs: STALE_AFTER_MS };
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    invoker?.destroy();
    await listener?.close();
    client?.destroy();
    await dynamo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // One scenario, in order, in one test: no test here depends on another's leftovers.
  it("a dead DynamoDB Local and a killed region worker mid-round: every produced result stored once, the killed region stale, not down", async () => {
    expect((await round()).regions.every((r) => r.ok)).toBe(true);
    let downFrom = 0;
    let downUntil = 0;
    const writesBefore = [...workers.values()].map((w) => w.writesStartedAt.length);
    const report = await round(async () => {
      downFrom = Date.now();
      killListener(port);
      await dynamo.stop();
      // Stay down until every region has handed its results to the store, whatever the machine's speed.
      const allWriting = () => [...workers.values()].every((w, i) => w.writesStartedAt.length > writesBefore[i]!);
      for (let waited = 0; !allWriting() && waited < 10_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      dynamo = await startDynamoLocal({ port, dataDir: join(dir, "data") });
      downUntil = Date.now();
    });
    expect(report.regions.map((r) => [r.region, r.ok, r.error])).toEqual(REGIONS.map((r) => [r, true, undefined]));
    // Not vacuous: every region handed its results to the store while DynamoDB Local was dead.
    for (const worker of workers.values()) {
      expect(worker.writesStartedAt.filter((t) => t > downFrom && t < downUntil)).toHaveLength(1);
      expect(worker.writeErrors).toEqual([]);
    }

    // A region worker killed mid-round is reported as not answering; the others land.
    const killedRound = await round(async () => {
      workers.get(VICTIM)!.child.kill("SIGKILL");
    });
    expect(Object.fromEntries(killedRound.regions.map((r) => [r.region, r.ok]))).toEqual({ "us-east-1": true, "eu-west-1": true, "ap-southeast-2": false });

    // Every produced result is stored exactly once.
    const produced = [...workers.values()].flatMap((w) => w.produced).map(normalKey).sort();
    const summarized = reports.flatMap((r) => r.regions).reduce((n, r) => n + (r.summary ? r.summary.counts.pass + r.summary.counts.fail + r.summary.counts.inconclusive : 0), 0);
    expect(produced.length).toBe(summarized);
    expect(new Set(produced).size).toBe(produced.length);
    const stored = await rawCopies(client, TABLE, REGIONS);
    // The store's own read path agrees (it would fold physical duplicates, so it is checked second).
    const to = new Date(Date.now() + 60_000).toISOString();
    const read: string[] = [];
    for (const { checkId } of deps.checks() as Check[]) {
      for (const bucket of await store.history({ checkId, from: started.toISOString(), to, bucket: "raw" })) {
        read.push(normalKey(`${checkId} ${bucket.region} ${bucket.start}`));
      }
    }
    expect(read.sort()).toEqual(produced);
    expect(stored.sort()).toEqual(produced);
    // 3 rounds × 24 checks × 3 regions, minus the killed worker's unfinished round.
    expect(produced.length).toBe(3 * 24 * 3 - 24);

    // The killed region goes stale, not down.
    const lastVictimResult = Math.max(...workers.get(VICTIM)!.produced.map((k) => Date.parse(k.split(" ")[2]!)));
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, lastVictimResult + STALE_AFTER_MS + 200 - Date.now())));
    const last = await round();
    expect(last.regions.find((r) => r.region === VICTIM)!.ok).toBe(false);
    const { verdicts } = await store.evaluate({ now: new Date(), regions: REGIONS, staleAfterMs: STALE_AFTER_MS });
    expect(verdicts).toHaveLength(24);
    for (const verdict of verdicts) {
      expect(verdict.regions).toEqual({ "us-east-1": "up", "eu-west-1": "up", "ap-southeast-2": "stale" });
      expect(verdict.verdict).toBe("up");
    }
    const heartbeat = (await store.heartbeats()).find((h) => h.region === VICTIM)!;
    expect(heartbeat.ok).toBe(false);
  }, 120_000);
});
