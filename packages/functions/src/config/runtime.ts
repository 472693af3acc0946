import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import type { Check } from "@probemesh/core/check";
import { createGuard, policyFromEnv, type Guard } from "@probemesh/core/guard";
import { plan } from "@probemesh/core/plan";
import { loadProfile, parseProfile, type Profile } from "@probemesh/core/profile";
import { createStore, type Store } from "@probemesh/core/store";
import { alertUrlsFromEnv, createAlerter } from "../alerts/index.js";
import type { AppDeps } from "../api/deps.js";
import { chatopsRoutes, type ChatopsJob } from "../chatops/index.js";
import type { ProbeHandlerDeps } from "../handlers/probe.js";
import type { SchedulerDeps } from "../handlers/scheduler.js";
import { createProbeInvoker, type ProbeInvoker } from "../invoke/client.js";
import { ConfigError, loadConfig, type Config } from "./index.js";

/**
 * Wiring of the Lambda handlers from the environment (AWS, or local endpoints through
 * DYNAMODB_ENDPOINT / PROBEMESH_LAMBDA_ENDPOINTS). Built once per cold start.
 */

type Env = Record<string, string | undefined>;

/** Fake credentials for local endpoints (DynamoDB Local and the Invoke emulator accept any). */
const LOCAL_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export interface Runtime {
  config: Config;
  store: Store;
  invoker: ProbeInvoker;
  guard: Guard;
  profile?: Profile;
  /** The scheduled checks: the profile's plan (empty without a profile). */
  checks: Check[];
}

let cached: Promise<Runtime> | undefined;

/** The runtime of this process, built from `env` on first use. */
export function runtimeFromEnv(env: Env = process.env): Promise<Runtime> {
  cached ??= buildRuntime(env);
  return cached;
}

/**
 * The table lives in its home region (plus optional replicas); a probe function in another
 * region must talk to the home table unless a replica sits beside it.
 */
export function tableRegionFor(env: Env): string | undefined {
  const replicas = (env.PROBEMESH_TABLE_REPLICAS ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  if (env.AWS_REGION && replicas.includes(env.AWS_REGION)) return env.AWS_REGION;
  return env.PROBEMESH_TABLE_REGION || undefined;
}

async function buildRuntime(env: Env): Promise<Runtime> {
  const config = loadConfig(env);
  const local = config.dynamodbEndpoint !== undefined && !env.AWS_ACCESS_KEY_ID;
  const tableRegion = local ? undefined : tableRegionFor(env);
  const client = new DynamoDBClient({
    ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint } : {}),
    ...(local ? { region: env.AWS_REGION ?? "us-east-1", credentials: LOCAL_CREDENTIALS } : {}),
    ...(tableRegion ? { region: tableRegion } : {}),
  });
  const profile = await profileOf(config);
  const invokeLocally = Object.keys(config.lambdaEndpoints).length > 0 && !env.AWS_ACCESS_KEY_ID;
  return {
    config,
    store: createStore({ client, tableName: config.tableName }),
    invoker: createProbeInvoker({
      functions: config.probeFunctions,
      endpoints: config.lambdaEndpoints,
      ...(invokeLocally ? { credentials: LOCAL_CREDENTIALS } : {}),
    }),
    guard: createGuard(policyFromEnv(env)),
    ...(profile ? { profile } : {}),
    checks: profile ? plan({ profile }).checks : [],
  };
}

/** PROBEMESH_PROFILE_JSON (AWS) or PROBEMESH_PROFILE (a file); none = no scheduled checks. */
export async function profileOf(config: Pick<Config, "profileJson" | "profilePath">): Promise<Profile | undefined> {
  if (config.profileJson) return parseProfile(config.profileJson, "PROBEMESH_PROFILE_JSON.json");
  if (config.profilePath) return loadProfile(config.profilePath);
  return undefined;
}

/** A region whose last successful round is older than this is stale: two missed rounds plus slack. */
export function staleAfterMs(intervalS: number): number {
  return intervalS * 2_000 + 30_000;
}

/** Each region's budget for one round: most of the interval, never more than 50 s. */
export function roundDeadlineMs(intervalS: number): number {
  return Math.min(intervalS * 800, 50_000);
}

export async function probeDepsFromEnv(env: Env = process.env): Promise<ProbeHandlerDeps> {
  const runtime = await runtimeFromEnv(env);
  const proxy = runtime.profile?.proxy;
  return {
    store: runtime.store,
    guard: runtime.guard,
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(proxy ? { context: () => ({ proxy }) } : {}),
  };
}

export async function schedulerDepsFromEnv(env: Env = process.env): Promise<SchedulerDeps> {
  const runtime = await runtimeFromEnv(env);
  const { config, store } = runtime;
  if (!runtime.profile) throw new ConfigError("PROBEMESH_PROFILE_JSON", "no profile: the scheduler has nothing to probe");
  const labels = new Map(runtime.checks.map((check) => [check.checkId, check.label ?? check.target]));
  return {
    store,
    regions: config.regions,
    checks: () => runtime.checks,
    runProbe: (invocation) => runtime.invoker.run(invocation),
    onTransitions: createAlerter({
      store,
      policy: { allowedHosts: config.webhookHosts },
      describeCheck: (checkId) => labels.get(checkId),
      ...alertUrlsFromEnv(env),
    }),
    roundDeadlineMs: roundDeadlineMs(config.intervalS),
    staleAfterMs: staleAfterMs(config.intervalS),
  };
}

export async function apiDepsFromEnv(env: Env = process.env): Promise<AppDeps> {
  const runtime = await runtimeFromEnv(env);
  const { config, store, guard } = runtime;
  const planProduct = (product: string, geo?: string) => plan({ product, ...(geo ? { geo } : {}) }).checks;
  const checks = () => runtime.checks;
  const worker = config.chatopsWorker;
  const lambda = new LambdaClient({});
  const dispatchJob = async (job: ChatopsJob) => {
    if (!worker) throw new ConfigError("PROBEMESH_CHATOPS_WORKER", "unset: chat-ops cannot start its worker");
    await lambda.send(new InvokeCommand({ FunctionName: worker, InvocationType: "Event", Payload: JSON.stringify(job) }));
  };
  return {
    store,
    regions: config.regions,
    apiTokens: config.apiTokens,
    checks,
    planProduct,
    dispatchProbe: (invocation) => runtime.invoker.dispatch(invocation),
    guard,
    staleAfterMs: staleAfterMs(config.intervalS),
    chatops: chatopsRoutes({
      ...(config.slackSigningSecret ? { signingSecret: config.slackSigningSecret } : {}),
      store,
      regions: config.regions,
      guard,
      planProduct,
      checks,
      dispatch: dispatchJob,
      webhookPolicy: { allowedHosts: config.webhookHosts },
    }),
  };
}
