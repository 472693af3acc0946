import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Check } from "@probemesh/core/check";
import { createGuard, DEFAULT_POLICY, LAB_POLICY, withOverrides, type Guard } from "@probemesh/core/guard";
import { agentRegion, isAgentRegion, planForLocation } from "@probemesh/core/agent";
import { plan } from "@probemesh/core/plan";
import { configureTlsPool, type ProbeContext } from "@probemesh/core/probers";
import { loadProfile, parseProfile, type Profile } from "@probemesh/core/profile";
import { createStore, type Store } from "@probemesh/core/store";
import { staleAfterMs } from "@probemesh/core/verdict";
import { roundDeadlineMs } from "@probemesh/core/cost";
import { createAlerter, hostEntryOf, PAGERDUTY_EVENTS_URL, resolveDestinations, type Alerter } from "../alerts/index.js";
import { ConfigError, loadSettings, type Settings } from "../config/index.js";
import { readSecrets } from "./secrets.js";
import { createProbeInvoker, type ProbeInvoker } from "../invoke/client.js";
import { labContext, type LabNetwork, type LabRegionNetwork } from "../lab/network.js";
import { fileSpool, sqsSpool, type Spool } from "../spool/index.js";

/**
 * The composition root: every dependency of every handler and of the local mesh, built from
 * one `Settings` object. Lambda builds it from its environment once per cold start; the local
 * mesh builds it from the same settings plus local endpoints (DynamoDB Local, the Invoke API
 * ports) and, without a profile, the lab's checks.
 */
export interface Runtime {
  settings: Settings;
  store: Store;
  /** SSRF guard for on-demand targets: DEFAULT_POLICY (LAB_POLICY in the lab) plus the operator's overrides. */
  guard: Guard;
  invoker: ProbeInvoker;
  profile?: Profile;
  /** The scheduled checks (the profile's plan, or the lab's). */
  checks(): Check[];
  /** Agent locations with a token (PROBEMESH_AGENT_TOKENS), as their regions (`agent:<location>`). */
  agentRegions: string[];
  /** The checks one agent location probes (its profile section; without one, the whole plan). */
  planFor(location: string): Check[];
  /** The lab's network for an agent location (lab DNS, port map, CA), handed out with its plan; undefined outside the lab. */
  labNetworkOf(region: string): LabRegionNetwork | undefined;
  /**
   * What verdicts are judged over: cloud regions plus agent locations (their own columns), which
   * region probes which check, and whether agents count for verdicts and quorum.
   */
  verdictScope: VerdictScope;
  /** A human label of a scheduled check. */
  describeCheck(checkId: string): string | undefined;
  /** Expands a product (and vendor geo) into checks; throws on an unknown product or geo. */
  planProduct(product: string, geo?: string): Check[];
  /** Sends incident transitions (and the dead man's switch) to the configured alert destinations. */
  alert: Alerter;
  /** When this runtime was built (the dead man's switch counts from it before the first round). */
  startedAt: Date;
  /** Destinations of the profile that cannot be used (a secret not set), for /healthz. */
  alertProblems: string[];
  /** The network context of probes run in `region` (lab network or the profile's proxy). */
  probeContext(region: string): Partial<ProbeContext>;
  /** Starts the chat-ops worker function asynchronously (InvocationType Event). */
  dispatchChatopsJob(job: unknown): Promise<void>;
  /** The spool of one region's probe function (undefined: none configured). */
  spoolFor(region: string): Spool | undefined;
  /** Batches waiting in each configured spool. */
  spoolDepth(): Promise<Record<string, number>>;
  /** The freshness window of regions and results (core/verdict). */
  staleAfterMs: number;
  /** Each region's budget for one round: most of the interval, never more than 50 s. */
  roundDeadlineMs: number;
  /** Closes the SDK clients. */
  destroy(): void;
}

/** The regions verdicts are judged over (core/verdict `judgeChecks`' `regions`, `probes`, `counts`). */
export interface VerdictScope {
  regions: string[];
  /** Every planned check (cloud and agent plans), for per-check quorum, alertOn and maintenance. */
  checks: Check[];
  probes(checkId: string, region: string): boolean;
  counts(region: string): boolean;
}

/** What only the local mesh adds: the lab's checks (its stand-ins replace the real hosts). */
export interface LocalExtras {
  checks?: Check[];
}

/** Store retries when a spool keeps what cannot be written: four attempts, about a second. */
const SPOOLED_RETRY = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 800 };

/** Fake credentials for local endpoints (DynamoDB Local and the Invoke emulator accept any). */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

/** Builds every dependency from `settings`. */
export async function createRuntime(settings: Settings, extras: LocalExtras = {}): Promise<Runtime> {
  if (settings.tlsWorkers !== undefined) await configureTlsPool({ workers: settings.tlsWorkers });
  const { client, store, spooling } = storeFor(settings);
  const spoolFor = spoolsOf(settings);
  const invokeLocally = Object.keys(settings.lambdaEndpoints).length > 0 && !settings.awsCredentials;
  const invoker = createProbeInvoker({
    functions: settings.probeFunctions,
    endpoints: settings.lambdaEndpoints,
    ...(invokeLocally ? { credentials: LOCAL_CREDENTIALS } : {}),
  });
  const profile = await profileOf(settings);
  const lab = settings.labNetworkFile ? readLabNetwork(settings.labNetworkFile) : undefined;
  const inLab = lab !== undefined || extras.checks !== undefined;
  const checks = extras.checks ?? (profile ? plan({ profile }).checks : []);
  const agentLocations = Object.keys(settings.agentTokens);
  const agentPlans = new Map(agentLocations.map((location) => [location, profile ? planForLocation(profile, location) : checks]));
  const planFor = (location: string) => agentPlans.get(location) ?? (profile ? planForLocation(profile, location) : checks);
  const verdictScope = scopeOf(settings, checks, agentPlans);
  const labels = new Map(verdictScope.checks.map((check) => [check.checkId, check.label ?? check.target]));
  const byId = new Map(verdictScope.checks.map((check) => [check.checkId, check]));
  const { alert, problems, webhookHosts } = await alertingFor(settings, { store, profile, inLab, labels, byId });

  let lambda: LambdaClient | undefined;
  return {
    settings: { ...settings, webhookHosts },
    store,
    guard: createGuard(withOverrides(inLab ? LAB_POLICY : DEFAULT_POLICY, settings.guard)),
    invoker,
    ...(profile ? { profile } : {}),
    checks: () => checks,
    agentRegions: agentLocations.map(agentRegion),
    planFor,
    labNetworkOf: (region) => lab?.[region],
    verdictScope,
    describeCheck: (checkId) => labels.get(checkId),
    planProduct: (product, geo) => plan({ product, ...(geo ? { geo } : {}) }).checks,
    alert,
    alertProblems: problems,
    startedAt: new Date(),
    probeContext(region) {
      const network = lab?.[region];
      if (network) return labContext(network);
      return profile?.proxy ? { proxy: profile.proxy } : {};
    },
    async dispatchChatopsJob(job) {
      const worker = settings.chatopsWorker;
      if (!worker) throw new ConfigError("PROBEMESH_CHATOPS_WORKER", "unset: chat-ops cannot start its worker");
      lambda ??= new LambdaClient({
        maxAttempts: 1,
        ...(settings.chatopsEndpoint && !settings.awsCredentials ? { endpoint: settings.chatopsEndpoint, region: "us-east-1", credentials: LOCAL_CREDENTIALS } : {}),
      });
      await lambda.send(new InvokeCommand({ FunctionName: worker, InvocationType: "Event", Payload: JSON.stringify(job) }));
    },
    spoolFor,
    async spoolDepth() {
      const regions = spooling ? settings.regions : [];
      return Object.fromEntries(await Promise.all(regions.map(async (region) => [region, (await spoolFor(region)?.depth()) ?? 0] as const)));
    },
    staleAfterMs: settings.staleAfterS ? settings.staleAfterS * 1000 : staleAfterMs(settings.intervalS),
    // In Lambda the evaluation's time on this function's memory comes out of the wait for the regions.
    roundDeadlineMs: roundDeadlineMs({
      intervalS: settings.intervalS,
      results: verdictScope.checks.length * verdictScope.regions.length,
      ...(settings.functionMemoryMb ? { schedulerMemoryMb: settings.functionMemoryMb } : {}),
    }),
    destroy() {
      client.destroy();
      invoker.destroy();
      lambda?.destroy();
    },
  };
}

/** The DynamoDB client and the store on it; `spooling`: a spool keeps what the store cannot take. */
function storeFor(settings: Settings): { client: DynamoDBClient; store: Store; spooling: boolean } {
  const dynamoLocal = settings.dynamodbEndpoint !== undefined && !settings.awsCredentials;
  const tableRegion = dynamoLocal ? undefined : tableRegionFor(settings);
  const client = new DynamoDBClient({
    // A store that stops answering must fail a request, not hang it.
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 10_000 },
    ...(settings.dynamodbEndpoint ? { endpoint: settings.dynamodbEndpoint } : {}),
    ...(dynamoLocal ? { region: settings.awsRegion ?? "us-east-1", credentials: LOCAL_CREDENTIALS } : {}),
    ...(tableRegion ? { region: tableRegion } : {}),
  });
  const spooling = settings.spoolDir !== undefined || Object.keys(settings.spoolQueues).length > 0;
  // With a spool behind it, a write gives up after about a second and the batch is kept;
  // without one, the store's default retries ride out a restart (at least 8 s).
  const store = createStore({ client, tableName: settings.tableName, thresholds: settings.thresholds, shards: settings.storeShards, ...(spooling ? { retry: SPOOLED_RETRY } : {}) });
  return { client, store, spooling };
}

/** Each region's spool, made on first use: its SQS queue on AWS, a directory locally (undefined: none configured). */
function spoolsOf(settings: Settings): (region: string) => Spool | undefined {
  const spools = new Map<string, Spool>();
  return (region: string): Spool | undefined => {
    let spool = spools.get(region);
    if (!spool) {
      const queue = settings.spoolQueues[region];
      if (queue) spool = sqsSpool(new SQSClient({ region }), queue);
      else if (settings.spoolDir) spool = fileSpool(join(settings.spoolDir, region));
      if (spool) spools.set(region, spool);
    }
    return spool;
  };
}

/**
 * The alerter and the hosts it may post to: the configured webhook hosts, PagerDuty's own endpoint when a
 * destination uses it, and in the lab its own loopback receivers (by host:port, never a whole address).
 */
async function alertingFor(
  settings: Settings,
  deps: { store: Store; profile: Profile | undefined; inLab: boolean; labels: Map<string, string>; byId: Map<string, Check> },
): Promise<{ alert: Alerter; problems: string[]; webhookHosts: string[] }> {
  const { store, profile, inLab, labels, byId } = deps;
  const secretNames = Object.values(profile?.destinations ?? {}).flatMap((d) => (d.secret ? [d.secret] : []));
  const routed = resolveDestinations(profile?.destinations, await readSecrets(secretNames, settings.secrets));
  for (const problem of routed.problems) console.warn(`alerts: ${problem}`);
  // A PagerDuty destination on PagerDuty's own endpoint may be posted to without listing its host.
  const pagerDutyHost = routed.destinations.some((d) => d.url === PAGERDUTY_EVENTS_URL) ? [new URL(PAGERDUTY_EVENTS_URL).hostname] : [];
  const labReceivers = inLab ? loopbackReceivers([settings.alerts.webhookUrl, settings.alerts.slackWebhookUrl, ...routed.destinations.map((d) => d.url)]) : [];
  const webhookHosts = [...settings.webhookHosts, ...pagerDutyHost, ...labReceivers];
  const alert = createAlerter({
    store,
    policy: { allowedHosts: webhookHosts },
    describeCheck: (id) => labels.get(id),
    checkOf: (id) => byId.get(id),
    destinations: routed.destinations,
    ...(profile?.routes ? { routes: profile.routes } : {}),
    ...(profile?.reminderMinutes ? { reminderMinutes: profile.reminderMinutes } : {}),
    ...settings.alerts,
  });
  return { alert, problems: routed.problems, webhookHosts };
}

/**
 * Cloud regions probe the scheduled checks, each agent location its own plan; agents count for
 * verdicts and quorum unless PROBEMESH_AGENTS_IN_QUORUM=false (then their columns are shown only).
 */
function scopeOf(settings: Settings, checks: Check[], agentPlans: Map<string, Check[]>): VerdictScope {
  const cloud = new Set(checks.map((check) => check.checkId));
  const byRegion = new Map([...agentPlans].map(([location, plan]) => [agentRegion(location), new Set(plan.map((check) => check.checkId))]));
  const all = new Map(checks.map((check) => [check.checkId, check]));
  for (const plan of agentPlans.values()) for (const check of plan) if (!all.has(check.checkId)) all.set(check.checkId, check);
  return {
    regions: [...settings.regions, ...byRegion.keys()],
    checks: [...all.values()],
    // A check no plan names any more (an old result) is judged over every region, as before agents.
    probes: (checkId, region) => !all.has(checkId) || (byRegion.get(region)?.has(checkId) ?? cloud.has(checkId)),
    counts: (region) => settings.agentsInQuorum || !isAgentRegion(region),
  };
}

let cached: Promise<Runtime> | undefined;

/** The runtime of a Lambda process, built from its environment on first use. */
export function runtimeFromEnv(env: Record<string, string | undefined> = process.env): Promise<Runtime> {
  cached ??= createRuntime(loadSettings(env));
  return cached;
}

/**
 * The table lives in its home region (plus optional replicas); a probe function in another
 * region must talk to the home table unless a replica sits beside it.
 */
export function tableRegionFor(settings: Pick<Settings, "awsRegion" | "tableRegion" | "tableReplicas">): string | undefined {
  if (settings.awsRegion && settings.tableReplicas.includes(settings.awsRegion)) return settings.awsRegion;
  return settings.tableRegion;
}

/** PROBEMESH_PROFILE_JSON (AWS) or PROBEMESH_PROFILE (a file); none = no scheduled checks. */
async function profileOf(settings: Pick<Settings, "profileJson" | "profilePath">): Promise<Profile | undefined> {
  if (settings.profileJson) return parseProfile(settings.profileJson, "PROBEMESH_PROFILE_JSON.json");
  if (settings.profilePath) return loadProfile(settings.profilePath);
  return undefined;
}

function readLabNetwork(file: string): LabNetwork {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as LabNetwork;
  } catch (error) {
    throw new ConfigError("PROBEMESH_LAB_NETWORK", `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** `host:port` of each loopback URL among `urls` (the lab's own receivers). */
function loopbackReceivers(urls: (string | undefined)[]): string[] {
  return urls.flatMap((url) => {
    if (!url || !URL.canParse(url)) return [];
    const host = new URL(url).hostname;
    return host.startsWith("127.") || host === "[::1]" || host === "localhost" ? [hostEntryOf(url)] : [];
  });
}
