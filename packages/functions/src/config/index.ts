import { availableParallelism } from "node:os";
import { defaultTlsWorkers } from "@probemesh/core/probers";
import { FULL_VCPU_MB } from "@probemesh/core/cost";
import { BUILTIN_PRODUCTS, getCatalog } from "@probemesh/core/catalog";
import { parseGuardOverrides, type GuardOverrides } from "@probemesh/core/guard";
import { isAwsRegion } from "@probemesh/core/region";
import type { Thresholds } from "@probemesh/core/store";

/**
 * Every environment variable the handlers and the local mesh read, parsed in one place
 * into one `Settings` object; runtime/ builds every dependency
 * from it. Bad values fail with a ConfigError naming the variable.
 */

export const DEFAULT_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"] as const;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export interface Settings {
  /** API + web port of the local mesh. */
  port: number;
  /** Address the local mesh's API + page listen on (PROBEMESH_HOST; default loopback only). */
  host: string;
  /** Profile file; undefined = the lab. */
  profilePath?: string;
  /** Profile passed inline (AWS: PROBEMESH_PROFILE_JSON). */
  profileJson?: string;
  regions: string[];
  intervalS: number;
  /**
   * Freshness window (PROBEMESH_STALE_AFTER_S): a region, result or verdict model older than this
   * is stale. Unset = two intervals plus 30 s (core/verdict `staleAfterMs`).
   */
  staleAfterS?: number;
  /** Seconds between drift watches of the profile's `watch` pages (local mesh; AWS runs them on their own daily schedule). */
  watchIntervalS: number;
  dataDir: string;
  /** Bearer tokens allowed to write; empty = writes refused. */
  apiTokens: string[];
  slackSigningSecret?: string;
  webhookHosts: string[];
  tableName: string;
  /** region → probe function name. */
  probeFunctions: Record<string, string>;
  chatopsWorker?: string;
  /** Local only: DynamoDB endpoint (DynamoDB Local). */
  dynamodbEndpoint?: string;
  /** Local only: region → Lambda Invoke endpoint URL. */
  lambdaEndpoints: Record<string, string>;
  /** Incident alert webhooks (PROBEMESH_ALERT_SLACK_WEBHOOK, PROBEMESH_ALERT_WEBHOOK). */
  alerts: { slackWebhookUrl?: string; webhookUrl?: string };
  /**
   * Secrets the profile's alert destinations name (`secret: PagerDutyKey`) given as PROBEMESH_SECRET_<NAME>
   * (locally); on AWS runtime/secrets.ts reads the linked sst.Secret of that name at run time instead.
   */
  secrets: Record<string, string>;
  /** What the operator opens for on-demand probes (PROBEMESH_GUARD_ALLOW / PROBEMESH_GUARD_PORTS). */
  guard: GuardOverrides;
  /** Regions that must be down for a check to be `down` (PROBEMESH_QUORUM; default a majority). */
  quorum?: number;
  /** Failures / passes in a row that turn a region's check down / up again. */
  thresholds: Thresholds;
  /** State shards per region in the store (PROBEMESH_STORE_SHARDS; raise before a region passes ~20,000 checks). */
  storeShards: number;
  /** Budget of one probe and checks in flight per probe invocation. */
  probeTimeoutMs: number;
  probeConcurrency: number;
  /** Worker threads for TLS handshakes (PROBEMESH_TLS_WORKERS; 0 off; unset: one per full vCPU but the function's own thread's — from the memory in Lambda). */
  tlsWorkers?: number;
  /** This function's memory in Lambda (AWS_LAMBDA_FUNCTION_MEMORY_SIZE); unset elsewhere. */
  functionMemoryMb?: number;
  /** Region this code runs in (AWS_REGION, set by Lambda). */
  awsRegion?: string;
  /** Home region of the table (PROBEMESH_TABLE_REGION) and regions with a replica. */
  tableRegion?: string;
  tableReplicas: string[];
  /** AWS credentials come from the environment (AWS_ACCESS_KEY_ID): local endpoints are then not assumed. */
  awsCredentials: boolean;
  /** Local only: Invoke endpoint of the chat-ops worker (PROBEMESH_CHATOPS_ENDPOINT). */
  chatopsEndpoint?: string;
  /** Local spool of results the store could not take (PROBEMESH_SPOOL_DIR; one subdirectory per region). */
  spoolDir?: string;
  /** AWS spool: region → SQS FIFO queue URL (PROBEMESH_SPOOL_QUEUES, JSON). */
  spoolQueues: Record<string, string>;
  /** Local only: the lab's network description (PROBEMESH_LAB_NETWORK, a JSON file the mesh writes). */
  labNetworkFile?: string;
  /** Local only: vendor geographies the lab plans, per product (PROBEMESH_LAB_GEOS); empty = the lab's defaults. */
  labGeos: Record<string, string[]>;
  /** Agent location → its token (PROBEMESH_AGENT_TOKENS=`location:token,…`); none = agents refused. */
  agentTokens: Record<string, string>;
  /** Whether agent locations count for verdicts and quorum (PROBEMESH_AGENTS_IN_QUORUM, default true); they are shown either way. */
  agentsInQuorum: boolean;
}

type Env = Record<string, string | undefined>;

/** Reads the settings from `env` (default: process.env). */
export function loadSettings(env: Env = process.env): Settings {
  const regions = list(env.PROBEMESH_REGIONS) ?? [...DEFAULT_REGIONS];
  for (const region of regions) {
    if (!isAwsRegion(region)) {
      throw new ConfigError("PROBEMESH_REGIONS", `"${region}" is not an AWS region name`);
    }
  }
  const intervalS = integer(env, "PROBEMESH_INTERVAL_S", 60, 1, 86_400);
  const functionMemoryMb = nonEmpty(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) ? integer(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", 0, 128, 10_240) : undefined;
  return {
    port: integer(env, "PORT", 8787, 0, 65535),
    host: nonEmpty(env.PROBEMESH_HOST) ?? "127.0.0.1",
    profilePath: nonEmpty(env.PROBEMESH_PROFILE),
    profileJson: nonEmpty(env.PROBEMESH_PROFILE_JSON),
    regions,
    intervalS,
    ...(nonEmpty(env.PROBEMESH_STALE_AFTER_S) ? { staleAfterS: staleAfter(env, intervalS) } : {}),
    watchIntervalS: integer(env, "PROBEMESH_WATCH_INTERVAL_S", 86_400, 10, 30 * 86_400),
    dataDir: nonEmpty(env.PROBEMESH_DATA_DIR) ?? ".data",
    apiTokens: list(env.PROBEMESH_API_TOKENS) ?? [],
    slackSigningSecret: nonEmpty(env.SLACK_SIGNING_SECRET),
    webhookHosts: list(env.PROBEMESH_WEBHOOK_HOSTS) ?? ["hooks.slack.com"],
    tableName: nonEmpty(env.PROBEMESH_TABLE) ?? "probemesh",
    probeFunctions: stringMap(env, "PROBEMESH_PROBE_FUNCTIONS") ?? defaultProbeFunctions(regions),
    chatopsWorker: nonEmpty(env.PROBEMESH_CHATOPS_WORKER),
    dynamodbEndpoint: nonEmpty(env.DYNAMODB_ENDPOINT),
    lambdaEndpoints: stringMap(env, "PROBEMESH_LAMBDA_ENDPOINTS") ?? {},
    alerts: {
      ...(nonEmpty(env.PROBEMESH_ALERT_SLACK_WEBHOOK) ? { slackWebhookUrl: nonEmpty(env.PROBEMESH_ALERT_SLACK_WEBHOOK)! } : {}),
      ...(nonEmpty(env.PROBEMESH_ALERT_WEBHOOK) ? { webhookUrl: nonEmpty(env.PROBEMESH_ALERT_WEBHOOK)! } : {}),
    },
    secrets: secretsOf(env),
    guard: guardOverrides(env),
    ...(nonEmpty(env.PROBEMESH_QUORUM) ? { quorum: integer(env, "PROBEMESH_QUORUM", 1, 1, Math.max(1, regions.length)) } : {}),
    thresholds: {
      fail: integer(env, "PROBEMESH_FAIL_THRESHOLD", 2, 1, 100),
      recover: integer(env, "PROBEMESH_RECOVER_THRESHOLD", 2, 1, 100),
    },
    storeShards: integer(env, "PROBEMESH_STORE_SHARDS", 4, 1, 256),
    probeTimeoutMs: integer(env, "PROBEMESH_PROBE_TIMEOUT_MS", 5000, 100, 60_000),
    probeConcurrency: integer(env, "PROBEMESH_PROBE_CONCURRENCY", 32, 1, 1024),
    ...tlsWorkersOf(env, functionMemoryMb),
    ...(functionMemoryMb ? { functionMemoryMb } : {}),
    awsRegion: nonEmpty(env.AWS_REGION),
    tableRegion: nonEmpty(env.PROBEMESH_TABLE_REGION),
    tableReplicas: list(env.PROBEMESH_TABLE_REPLICAS) ?? [],
    awsCredentials: nonEmpty(env.AWS_ACCESS_KEY_ID) !== undefined,
    chatopsEndpoint: nonEmpty(env.PROBEMESH_CHATOPS_ENDPOINT),
    labNetworkFile: nonEmpty(env.PROBEMESH_LAB_NETWORK),
    spoolDir: nonEmpty(env.PROBEMESH_SPOOL_DIR),
    spoolQueues: stringMap(env, "PROBEMESH_SPOOL_QUEUES") ?? {},
    labGeos: labGeos(env.PROBEMESH_LAB_GEOS),
    agentTokens: agentTokens(env.PROBEMESH_AGENT_TOKENS),
    agentsInQuorum: boolean(env, "PROBEMESH_AGENTS_IN_QUORUM", true),
  };
}

/** A window shorter than one interval would make every region stale between two rounds. */
function staleAfter(env: Env, intervalS: number): number {
  const seconds = integer(env, "PROBEMESH_STALE_AFTER_S", 0, 1, 30 * 86_400);
  if (seconds <= intervalS) throw new ConfigError("PROBEMESH_STALE_AFTER_S", `must be longer than the interval (PROBEMESH_INTERVAL_S=${intervalS}), got ${seconds}`);
  return seconds;
}

/** Longest PROBEMESH_LAB_GEOS accepted (every geo of every product fits in a tenth of it). */
const MAX_LAB_GEOS_CHARS = 512;

/** `kong-konnect=au,eu;strongdm=uk` → { "kong-konnect": ["au", "eu"], strongdm: ["uk"] }, checked against the catalogs. */
function labGeos(raw: string | undefined): Record<string, string[]> {
  const value = nonEmpty(raw);
  if (value === undefined) return {};
  const fail = (problem: string): never => {
    throw new ConfigError("PROBEMESH_LAB_GEOS", problem);
  };
  if (value.length > MAX_LAB_GEOS_CHARS) fail(`longer than ${MAX_LAB_GEOS_CHARS} characters`);
  const withGeos: string[] = BUILTIN_PRODUCTS.filter((id) => getCatalog(id).geos.length > 0);
  const out: Record<string, string[]> = {};
  for (const entry of value.split(";").map((part) => part.trim()).filter(Boolean)) {
    const match = /^([a-z0-9-]+)\s*=\s*(.*)$/.exec(entry);
    if (!match) return fail(`expected product=geo[,geo] entries separated by ";" (e.g. kong-konnect=au,eu;strongdm=uk), got "${entry}"`);
    const product = match[1]!;
    if (!withGeos.includes(product)) fail(`"${product}" has no vendor geographies to pick (products with geographies: ${withGeos.join(", ")})`);
    if (out[product]) fail(`${product} given twice`);
    const valid = getCatalog(product).geos;
    const geos = [...new Set(match[2]!.split(",").map((geo) => geo.trim()).filter(Boolean))];
    if (geos.length === 0) fail(`no geo given for ${product}`);
    for (const geo of geos) if (!valid.includes(geo)) fail(`unknown geo "${geo}" for ${product} (valid: ${valid.join(", ")})`);
    out[product] = geos;
  }
  return out;
}

function secretsOf(env: Env): Record<string, string> {
  const secrets: Record<string, string> = {};
  for (const [variable, raw] of Object.entries(env)) {
    const value = raw?.trim();
    if (!value) continue;
    const name = /^PROBEMESH_SECRET_([A-Za-z][A-Za-z0-9_]*)$/.exec(variable)?.[1];
    if (name) secrets[name] = value;
  }
  return secrets;
}

/** Shortest agent token accepted: a guessable token would let anyone write a location's results. */
const MIN_AGENT_TOKEN_LENGTH = 16;

/** `location:token,…` → location → token; a location named twice or a short token is refused. */
function agentTokens(value: string | undefined): Record<string, string> {
  const tokens: Record<string, string> = {};
  for (const pair of list(value) ?? []) {
    const colon = pair.indexOf(":");
    const location = pair.slice(0, colon);
    const token = pair.slice(colon + 1);
    if (colon <= 0 || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(location)) {
      throw new ConfigError("PROBEMESH_AGENT_TOKENS", `expected location:token pairs (location a-z, 0-9, -), got "${pair.slice(0, Math.max(colon, 0)) || pair.slice(0, 20)}…"`);
    }
    if (token.length < MIN_AGENT_TOKEN_LENGTH || /\s/.test(token)) {
      throw new ConfigError("PROBEMESH_AGENT_TOKENS", `the token of ${location} must be at least ${MIN_AGENT_TOKEN_LENGTH} characters without spaces`);
    }
    if (tokens[location] !== undefined) throw new ConfigError("PROBEMESH_AGENT_TOKENS", `location ${location} is named twice`);
    tokens[location] = token;
  }
  return tokens;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env[name])?.toLowerCase();
  if (raw === undefined) return fallback;
  if (raw === "true" || raw === "1") return true;
  if (raw === "false" || raw === "0") return false;
  throw new ConfigError(name, `expected true or false, got "${raw}"`);
}

function guardOverrides(env: Env): GuardOverrides {
  try {
    return parseGuardOverrides(env.PROBEMESH_GUARD_ALLOW, env.PROBEMESH_GUARD_PORTS);
  } catch (error) {
    const [variable = "PROBEMESH_GUARD_PORTS", ...rest] = (error as Error).message.split(": ");
    throw new ConfigError(variable, rest.join(": "));
  }
}

/** The probe function's name in a region when nothing else is configured. */
export function probeFunctionName(region: string): string {
  return `probemesh-probe-${region}`;
}

function defaultProbeFunctions(regions: string[]): Record<string, string> {
  return Object.fromEntries(regions.map((region) => [region, probeFunctionName(region)]));
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
  return items && items.length > 0 ? items : undefined;
}

/**
 * PROBEMESH_TLS_WORKERS when set. In Lambda (AWS_LAMBDA_FUNCTION_MEMORY_SIZE) the CPUs the OS lists are not
 * the function's: its full vCPUs come from its memory, so 512 MB gets no worker and 3,538 MB one.
 */
function tlsWorkersOf(env: Env, memoryMb: number | undefined): { tlsWorkers?: number } {
  if (nonEmpty(env.PROBEMESH_TLS_WORKERS)) return { tlsWorkers: integer(env, "PROBEMESH_TLS_WORKERS", 0, 0, 64) };
  if (memoryMb === undefined) return {};
  return { tlsWorkers: defaultTlsWorkers(Math.min(availableParallelism(), Math.floor(memoryMb / FULL_VCPU_MB))) };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `expected an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function stringMap(env: Env, name: string): Record<string, string> | undefined {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ConfigError(name, "expected a JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(name, "expected a JSON object");
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string" || value === "") {
      throw new ConfigError(name, `value for "${key}" must be a non-empty string`);
    }
  }
  return parsed as Record<string, string>;
}
