import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { agentRegion } from "@probemesh/core/agent";
import type { Check } from "@probemesh/core/check";
import { ensureTable } from "@probemesh/core/store";
import { loadSettings, probeFunctionName, type Settings } from "../config/index.js";
import { superviseDynamoLocal, type SupervisedDynamoLocal } from "../dynamo-local/index.js";
import { apiHandlerFor } from "../handlers/api.js";
import { chatopsWorkerFor } from "../handlers/chatops-worker.js";
import { driftHandlerFor } from "../handlers/drift.js";
import { schedulerHandlerFor } from "../handlers/scheduler.js";
import { startInvokeServer } from "../invoke/index.js";
import { startLab, type Lab } from "../lab/index.js";
import type { LabNetwork } from "../lab/network.js";
import type { RoundReport } from "../rounds/index.js";
import { createRuntime, type Runtime } from "../runtime/index.js";
import { buildMeshBundles } from "./bundle.js";
import { startDeadmanWatch } from "../deadman/index.js";
import { startGateway } from "./gateway.js";
import { startWorker, type RegionWorker } from "./workers.js";
import { staticPage } from "./web.js";

export interface MeshOptions {
  /** The environment the settings are read from, as Lambda reads its own (default: process.env). */
  env?: Record<string, string | undefined>;
  /** API + web port on 127.0.0.1 (default PORT or 8787; 0 = a free port). */
  port?: number;
  /** DynamoDB Local data directory (default PROBEMESH_DATA_DIR or .data). */
  dataDir?: string;
  /** Keep DynamoDB Local in memory (tests). */
  inMemory?: boolean;
  /** Seconds between rounds; the first round starts at once unless `autoStart` is false. */
  intervalS?: number;
  regions?: string[];
  /** region → Invoke endpoint used instead of the region's worker (e.g. a dead one, to see a region go stale). */
  endpointOverrides?: Record<string, string>;
  /** A real profile instead of the lab (PROBEMESH_PROFILE). */
  profilePath?: string;
  apiTokens?: string[];
  slackSigningSecret?: string;
  webhookHosts?: string[];
  alerts?: Settings["alerts"];
  /** Run rounds on the interval (default true). Tests call runRound() themselves. */
  autoStart?: boolean;
  /** Serve the web page built by @probemesh/web (default true). */
  web?: boolean;
  /** Wait before a dead DynamoDB Local is restarted (default at once; fault tests hold an outage open). */
  dynamoRestartDelayMs?: number;
  /** Wait before a dead region worker is restarted (default 500 ms; tests widen it). */
  workerRestartDelayMs?: number;
  log?: (line: string) => void;
}

export interface Mesh {
  /** http://127.0.0.1:PORT — API and web page. */
  url: string;
  regions: string[];
  /** Region workers' Invoke endpoints. */
  workers: Record<string, string>;
  /** The worker processes (tests kill one to see it restarted). */
  workerProcesses: Record<string, RegionWorker>;
  dynamoEndpoint: string;
  /** DynamoDB Local under supervision (tests kill its Java process). */
  dynamo: SupervisedDynamoLocal;
  lab?: Lab;
  /**
   * With the lab and no PROBEMESH_API_TOKENS: a token made at start so the page's on-demand form
   * works out of the box (`npm start` prints it). Undefined when the operator set tokens.
   */
  labToken?: string;
  checks: Check[];
  /** The mesh process's composition root (the same factory Lambda uses). */
  runtime: Runtime;
  /** Jobs handed to the chat-ops worker function so far. */
  chatopsJobs(): number;
  /** Runs one scheduler round now (waits for one already running first). */
  runRound(): Promise<RoundReport>;
  /** Stops the scheduler, API, workers, lab and DynamoDB Local (java included). */
  stop(): Promise<void>;
}

/** Lambda timeout of the probe functions, as configured on AWS (infra/probes.ts). */
const PROBE_FUNCTION_TIMEOUT_MS = 55_000;
const CHATOPS_WORKER = "probemesh-chatops-worker";

/**
 * The local mesh: the same settings and composition root as Lambda,
 * with local endpoints — DynamoDB Local, one worker process per region running the built
 * probe bundle behind the Invoke API, the scheduler and API handlers called through their
 * `handler` exports (the API through a local API Gateway), and — without a profile — the lab.
 */
export async function startMesh(options: MeshOptions = {}): Promise<Mesh> {
  const log = options.log ?? (() => {});
  const env = options.env ?? process.env;
  const settings = meshSettings(loadSettings(env), options);
  const cleanup: Cleanup = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch((error) => log(`stop: ${String(error)}`));
    cleanup.length = 0;
  };

  try {
    const scratch = mkdtempSync(join(tmpdir(), "probemesh-mesh-"));
    cleanup.push(() => rmSync(scratch, { recursive: true, force: true }));
    const [dynamo, bundles] = await Promise.all([
      superviseDynamoLocal(
        { ...(options.inMemory ? { inMemory: true } : { dataDir: settings.dataDir }), ...(options.dynamoRestartDelayMs ? { restartDelayMs: options.dynamoRestartDelayMs } : {}) },
        log,
      ),
      buildMeshBundles(join(scratch, "build")),
    ]);
    cleanup.push(() => dynamo.stop());
    await ensureLocalTable(dynamo.endpoint, settings.tableName);
    const { lab, labFile, labToken } = settings.profilePath || settings.profileJson ? {} : await startLabFor(settings, scratch, cleanup, log);

    // Results the store cannot take wait here (on disk beside the data, so they survive a restart).
    const spoolDir = options.inMemory ? join(scratch, "spool") : join(settings.dataDir, "spool");
    // Every region worker gets the Lambda environment: the same settings, plus local endpoints.
    const functionEnv = {
      ...env,
      PROBEMESH_SPOOL_DIR: spoolDir,
      DYNAMODB_ENDPOINT: dynamo.endpoint,
      PROBEMESH_TABLE: settings.tableName,
      // The SDK's warning about this machine's Node (Lambda runs 24) is printed once by the mesh process, not again by each worker.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      ...(settings.profilePath ? { PROBEMESH_PROFILE: settings.profilePath } : {}),
      ...(labFile ? { PROBEMESH_LAB_NETWORK: labFile } : {}),
    };
    const workerProcesses = await startRegionWorkers(settings, { hostFile: bundles.invokeHost.file, handlerFile: bundles.probe.file, env: functionEnv }, options, cleanup, log);
    const endpoints = Object.fromEntries(settings.regions.map((region) => [region, options.endpointOverrides?.[region] ?? workerProcesses[region]!.url]));

    let runtime!: Runtime;
    const getRuntime = async () => runtime;
    const chatopsWorker = await startInvokeServer({ functions: { [CHATOPS_WORKER]: chatopsWorkerFor(getRuntime) }, timeoutMs: 120_000 });
    cleanup.push(() => chatopsWorker.close());
    runtime = await createRuntime(
      { ...settings, spoolDir, dynamodbEndpoint: dynamo.endpoint, lambdaEndpoints: endpoints, chatopsWorker: CHATOPS_WORKER, chatopsEndpoint: chatopsWorker.url, ...(labFile ? { labNetworkFile: labFile } : {}) },
      lab ? { checks: lab.checks } : {},
    );
    cleanup.push(() => runtime.destroy());
    const round = oneRoundAtATime(schedulerHandlerFor(getRuntime), cleanup);

    const gateway = await startGateway({
      handler: apiHandlerFor(getRuntime),
      ...(options.web === false ? {} : { page: await staticPage(log) }),
      port: settings.port,
      host: settings.host,
    });
    cleanup.push(() => gateway.close());

    // The dead man's switch runs in the API's process: it still alerts when the rounds stop.
    const deadman = startDeadmanWatch({ store: runtime.store, regions: settings.regions, intervalS: settings.intervalS, alert: runtime.alert, log });
    cleanup.push(() => deadman.stop());
    if (options.autoStart !== false) startSchedules(settings, runtime, round, driftHandlerFor(getRuntime), cleanup, log);

    return {
      url: gateway.url,
      regions: settings.regions,
      workers: endpoints,
      workerProcesses,
      dynamoEndpoint: dynamo.endpoint,
      dynamo,
      ...(lab ? { lab } : {}),
      ...(labToken ? { labToken } : {}),
      checks: runtime.checks(),
      runtime,
      chatopsJobs: () => chatopsWorker.invocations(),
      runRound: round,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

type Cleanup = Array<() => Promise<void> | void>;

/** The settings Lambda would read from `env`, with what the caller (a test, `npm start`) set on top. */
function meshSettings(base: Settings, options: MeshOptions): Settings {
  return {
    ...base,
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.intervalS ? { intervalS: options.intervalS } : {}),
    ...(options.regions ? { regions: options.regions, probeFunctions: Object.fromEntries(options.regions.map((r) => [r, probeFunctionName(r)])) } : {}),
    ...(options.apiTokens ? { apiTokens: options.apiTokens } : {}),
    ...(options.slackSigningSecret ? { slackSigningSecret: options.slackSigningSecret } : {}),
    ...(options.webhookHosts ? { webhookHosts: options.webhookHosts } : {}),
    ...(options.profilePath ? { profilePath: options.profilePath } : {}),
    ...(options.alerts ? { alerts: { ...base.alerts, ...options.alerts } } : {}),
  };
}

/**
 * Starts the lab and writes its network (lab DNS, port map, CA) for every region and agent location to a file
 * the functions read. Without API tokens it makes one, so the page's on-demand form works out of the box.
 */
async function startLabFor(settings: Settings, scratch: string, cleanup: Cleanup, log: (line: string) => void): Promise<{ lab: Lab; labFile: string; labToken?: string }> {
  let labToken: string | undefined;
  // The lab only probes its own loopback stand-ins, so a token made here opens nothing else.
  if (settings.apiTokens.length === 0) settings.apiTokens = [(labToken = `lab-${randomBytes(12).toString("base64url")}`)];
  const lab = await startLab({ geos: settings.labGeos, regions: settings.regions, log });
  cleanup.push(() => lab.stop());
  const labFile = join(scratch, "lab-network.json");
  const labRegions = [...settings.regions, ...Object.keys(settings.agentTokens).map(agentRegion)];
  const network: LabNetwork = Object.fromEntries(labRegions.map((region) => [region, lab.networkFor(region)]));
  writeFileSync(labFile, JSON.stringify(network));
  return { lab, labFile, ...(labToken ? { labToken } : {}) };
}

/** One worker process per region, each running the built probe bundle behind the Invoke API. */
async function startRegionWorkers(
  settings: Settings,
  build: { hostFile: string; handlerFile: string; env: Record<string, string | undefined> },
  options: MeshOptions,
  cleanup: Cleanup,
  log: (line: string) => void,
): Promise<Record<string, RegionWorker>> {
  const workers: Record<string, RegionWorker> = {};
  await Promise.all(
    settings.regions.map(async (region) => {
      const worker = await startWorker(
        { region, functionName: settings.probeFunctions[region]!, ...build, timeoutMs: PROBE_FUNCTION_TIMEOUT_MS, ...(options.workerRestartDelayMs ? { restartDelayMs: options.workerRestartDelayMs } : {}) },
        log,
      );
      workers[region] = worker;
      cleanup.push(() => worker.stop());
    }),
  );
  return workers;
}

/** The scheduler handler, one round at a time (a call while a round runs waits for it); stopping waits for the last. */
function oneRoundAtATime(scheduler: ReturnType<typeof schedulerHandlerFor>, cleanup: Cleanup): () => Promise<RoundReport> {
  let running: Promise<RoundReport> | undefined;
  cleanup.push(async () => {
    await running?.catch(() => {});
  });
  return async () => {
    while (running) await running.catch(() => {});
    running = scheduler({ time: new Date().toISOString() });
    try {
      return await running;
    } finally {
      running = undefined;
    }
  };
}

/** EventBridge's part under `npm start`: a round at once and every interval, and the profile's drift watch. */
function startSchedules(settings: Settings, runtime: Runtime, round: () => Promise<RoundReport>, watch: ReturnType<typeof driftHandlerFor>, cleanup: Cleanup, log: (line: string) => void): void {
  const tick = () =>
    round()
      .then((report) => log(roundLine(report)))
      .catch((error) => log(`round failed: ${String(error)}`));
  void tick();
  const timer = setInterval(tick, settings.intervalS * 1000);
  cleanup.push(() => clearInterval(timer));
  if (!runtime.profile?.watch.length) return;
  const watchTick = () =>
    watch()
      .then((sources) => log(`drift watch: ${sources.map((s) => `${s.product} ${s.error ? `not checked (${s.error})` : s.changed ? "CHANGED" : "unchanged"}`).join(", ")}`))
      .catch((error) => log(`drift watch failed: ${String(error)}`));
  void watchTick();
  const watchTimer = setInterval(watchTick, settings.watchIntervalS * 1000);
  cleanup.push(() => clearInterval(watchTimer));
}

async function ensureLocalTable(endpoint: string, table: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
  try {
    await ensureTable(client, table);
  } finally {
    client.destroy();
  }
}

/** One log line per round: per-region pass/fail/inconclusive or why the region did not answer. */
export function roundLine(report: RoundReport): string {
  const parts = report.regions.map(({ region, ok, summary, error }) =>
    ok && summary ? `${region} ${summary.counts.pass}✓ ${summary.counts.fail}✗ ${summary.counts.inconclusive}? (${summary.durationMs} ms)` : `${region} no answer: ${error}`,
  );
  return `round ${report.roundId}: ${report.checks} checks | ${parts.join(" | ")}${report.opened || report.resolved ? ` | incidents +${report.opened} -${report.resolved}` : ""}`;
}
