import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Check } from "@probemesh/core/check";
import { createGuard, DEFAULT_POLICY, LAB_POLICY } from "@probemesh/core/guard";
import { plan } from "@probemesh/core/plan";
import { loadProfile } from "@probemesh/core/profile";
import { createStore, ensureTable } from "@probemesh/core/store";
import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "../api/index.js";
import { alertUrlsFromEnv, createAlerter } from "../alerts/index.js";
import { chatopsRoutes, runChatopsJob, type ChatopsJob } from "../chatops/index.js";
import { DEFAULT_REGIONS, probeFunctionName } from "../config/index.js";
import { roundDeadlineMs, staleAfterMs } from "../config/runtime.js";
import { startDynamoLocal } from "../dynamo-local/index.js";
import { createProbeHandler } from "../handlers/probe.js";
import { runRound, type RoundReport } from "../handlers/scheduler.js";
import { createProbeInvoker } from "../invoke/client.js";
import { startInvokeServer, type InvokeServer } from "../invoke/index.js";
import { describeFault, startLab, type Lab } from "../lab/index.js";
import { labPlan } from "../lab/profile.js";
import { staticSite } from "./web.js";

export interface MeshOptions {
  /** API + web port on 127.0.0.1 (default 8787; 0 = a free port). */
  port?: number;
  /** DynamoDB Local data directory (default .data). */
  dataDir?: string;
  /** Keep DynamoDB Local in memory (tests). */
  inMemory?: boolean;
  /** Seconds between rounds (default 60); the first round starts at once unless `autoStart` is false. */
  intervalS?: number;
  regions?: string[];
  /** region → Invoke endpoint used instead of the region's worker (e.g. a dead one, to see a region go stale). */
  endpointOverrides?: Record<string, string>;
  /** A real profile instead of the lab (PROBEMESH_PROFILE). */
  profilePath?: string;
  /** Bearer tokens for writes (PROBEMESH_API_TOKENS). */
  apiTokens?: string[];
  /** Slack signing secret: enables /chatops/slack locally. */
  slackSigningSecret?: string;
  /** Hosts Slack response_urls may point to (the lab adds 127.0.0.1). */
  webhookHosts?: string[];
  /** Incident alert webhooks (default: PROBEMESH_ALERT_SLACK_WEBHOOK / PROBEMESH_ALERT_WEBHOOK). */
  alerts?: { slackWebhookUrl?: string; webhookUrl?: string };
  /** Run rounds on the interval (default true). Tests call runRound() themselves. */
  autoStart?: boolean;
  /** Serve the web page built by @probemesh/web (default true). */
  web?: boolean;
  log?: (line: string) => void;
}

export interface Mesh {
  /** http://127.0.0.1:PORT — API and web page. */
  url: string;
  regions: string[];
  /** Region workers' Invoke endpoints. */
  workers: Record<string, string>;
  dynamoEndpoint: string;
  lab?: Lab;
  checks: Check[];
  /** Runs one scheduler round now (waits for one already running first). */
  runRound(): Promise<RoundReport>;
  /** Stops the scheduler, API, workers, lab and DynamoDB Local (java included). */
  stop(): Promise<void>;
}

const TABLE = "probemesh";
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };
/** Lambda timeout of the local probe functions, as configured on AWS. */
const PROBE_FUNCTION_TIMEOUT_MS = 60_000;

/**
 * The local mesh (DESIGN.md § Local mesh): DynamoDB Local, one Invoke-API worker per region,
 * the scheduler fanning out with the real Lambda client, the API + web page, and — unless a
 * profile is given — the lab with its per-region faults.
 */
export async function startMesh(options: MeshOptions = {}): Promise<Mesh> {
  const log = options.log ?? (() => {});
  const regions = options.regions ?? [...DEFAULT_REGIONS];
  const intervalS = options.intervalS ?? 60;
  const cleanup: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const step of cleanup.reverse()) await Promise.resolve(step()).catch((error) => log(`stop: ${String(error)}`));
    cleanup.length = 0;
  };

  try {
    const dynamo = await startDynamoLocal(options.inMemory ? { inMemory: true } : { dataDir: options.dataDir ?? ".data" });
    cleanup.push(() => dynamo.stop());
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS });
    cleanup.push(() => client.destroy());
    await ensureTable(client, TABLE);
    const store = createStore({ client, tableName: TABLE });

    let lab: Lab | undefined;
    let checks: Check[];
    if (options.profilePath) {
      checks = plan({ profile: await loadProfile(options.profilePath) }).checks;
    } else {
      lab = await startLab({ checks: labPlan().checks, regions });
      cleanup.push(() => lab!.stop());
      checks = lab.checks;
      for (const fault of lab.faults) log(`lab fault  ${describeFault(fault)}`);
      if (lab.skipped.length > 0) log(`lab skips ${lab.skipped.length} checks it cannot stand in for (literal public addresses)`);
    }
    const guard = createGuard(lab ? LAB_POLICY : DEFAULT_POLICY);

    const workers: Record<string, InvokeServer> = {};
    for (const region of regions) {
      const probeHandler = createProbeHandler({
        store,
        region,
        guard,
        timeoutMs: 5000,
        ...(lab ? { context: () => lab!.contextFor(region) } : {}),
      });
      workers[region] = await startInvokeServer({
        region,
        timeoutMs: PROBE_FUNCTION_TIMEOUT_MS,
        functions: { [probeFunctionName(region)]: probeHandler },
        onAsyncError: (name, error) => log(`${name}: asynchronous invocation failed: ${String(error)}`),
      });
      cleanup.push(() => workers[region]!.close());
    }
    const endpoints = Object.fromEntries(regions.map((region) => [region, options.endpointOverrides?.[region] ?? workers[region]!.url]));
    const invoker = createProbeInvoker({
      functions: Object.fromEntries(regions.map((region) => [region, probeFunctionName(region)])),
      endpoints,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.push(() => invoker.destroy());

    const webhookHosts = [...(options.webhookHosts ?? ["hooks.slack.com"]), ...(lab ? ["127.0.0.1"] : [])];
    const alertUrls = { ...alertUrlsFromEnv(process.env), ...options.alerts };
    const labels = new Map(checks.map((check) => [check.checkId, check.label ?? check.target]));
    const schedulerDeps = {
      store,
      ...(alertUrls.slackWebhookUrl || alertUrls.webhookUrl
        ? {
            onTransitions: createAlerter({
              store,
              policy: { allowedHosts: webhookHosts },
              describeCheck: (checkId: string) => labels.get(checkId),
              ...alertUrls,
            }),
          }
        : {}),
      regions,
      checks: () => checks,
      runProbe: invoker.run,
      roundDeadlineMs: roundDeadlineMs(intervalS),
      staleAfterMs: staleAfterMs(intervalS),
    };
    let running: Promise<RoundReport> | undefined;
    const round = async (): Promise<RoundReport> => {
      while (running) await running.catch(() => {});
      running = runRound(schedulerDeps);
      try {
        return await running;
      } finally {
        running = undefined;
      }
    };
    cleanup.push(async () => {
      await running?.catch(() => {});
    });

    const planProduct = (product: string, geo?: string) => plan({ product, ...(geo ? { geo } : {}) }).checks;
    const workerDeps = { store, dispatchProbe: invoker.dispatch, webhookPolicy: { allowedHosts: webhookHosts } };
    const chatopsWorker = await startInvokeServer({
      functions: { "probemesh-chatops-worker": (job: ChatopsJob) => runChatopsJob(job, workerDeps) },
      timeoutMs: 120_000,
    });
    cleanup.push(() => chatopsWorker.close());
    const lambda = new LambdaClient({ region: "us-east-1", endpoint: chatopsWorker.url, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    cleanup.push(() => lambda.destroy());

    const app = createApp({
      store,
      regions,
      apiTokens: options.apiTokens ?? [],
      checks: () => checks,
      planProduct,
      dispatchProbe: invoker.dispatch,
      guard,
      staleAfterMs: staleAfterMs(intervalS),
      chatops: chatopsRoutes({
        ...(options.slackSigningSecret ? { signingSecret: options.slackSigningSecret } : {}),
        store,
        regions,
        guard,
        planProduct,
        checks: () => checks,
        dispatch: async (job) => {
          await lambda.send(new InvokeCommand({ FunctionName: "probemesh-chatops-worker", InvocationType: "Event", Payload: JSON.stringify(job) }));
        },
        webhookPolicy: { allowedHosts: webhookHosts },
      }),
      ...(options.web === false ? {} : { web: await staticSite(log) }),
    });
    const server = await listen(app.fetch, options.port ?? 8787);
    cleanup.push(() => closeServer(server.server));
    const url = `http://127.0.0.1:${server.port}`;

    let timer: NodeJS.Timeout | undefined;
    if (options.autoStart !== false) {
      const tick = () =>
        round()
          .then((report) => log(roundLine(report)))
          .catch((error) => log(`round failed: ${String(error)}`));
      void tick();
      timer = setInterval(tick, intervalS * 1000);
      cleanup.push(() => clearInterval(timer));
    }

    return {
      url,
      regions,
      workers: Object.fromEntries(regions.map((region) => [region, workers[region]!.url])),
      dynamoEndpoint: dynamo.endpoint,
      ...(lab ? { lab } : {}),
      checks,
      runRound: round,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** One log line per round: per-region pass/fail/inconclusive or why the region did not answer. */
export function roundLine(report: RoundReport): string {
  const parts = report.regions.map(({ region, ok, summary, error }) =>
    ok && summary ? `${region} ${summary.counts.pass}✓ ${summary.counts.fail}✗ ${summary.counts.inconclusive}? (${summary.durationMs} ms)` : `${region} no answer: ${error}`,
  );
  return `round ${report.roundId}: ${report.checks} checks | ${parts.join(" | ")}${report.opened || report.resolved ? ` | incidents +${report.opened} -${report.resolved}` : ""}`;
}

function listen(fetch: (request: Request) => Response | Promise<Response>, port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, port, hostname: "127.0.0.1" }, (info) => resolve({ server, port: info.port }));
    server.once("error", reject);
  });
}

function closeServer(server: ServerType): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if ("closeAllConnections" in server) (server as { closeAllConnections(): void }).closeAllConnections();
  });
}
