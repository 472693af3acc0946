/**
 * Every environment variable the handlers and the local mesh read, parsed in one place
 * (DESIGN.md § Configuration). Bad values fail with a ConfigError naming the variable.
 */

export const DEFAULT_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"] as const;

export class ConfigError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "ConfigError";
  }
}

export interface Config {
  /** API + web port of the local mesh. */
  port: number;
  /** Profile file; undefined = the lab. */
  profilePath?: string;
  /** Profile passed inline (AWS: PROBEMESH_PROFILE_JSON). */
  profileJson?: string;
  regions: string[];
  intervalS: number;
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
}

type Env = Record<string, string | undefined>;

/** Reads the configuration from `env` (default: process.env). */
export function loadConfig(env: Env = process.env): Config {
  const regions = list(env.PROBEMESH_REGIONS) ?? [...DEFAULT_REGIONS];
  for (const region of regions) {
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      throw new ConfigError("PROBEMESH_REGIONS", `"${region}" is not an AWS region name`);
    }
  }
  return {
    port: integer(env, "PORT", 8787, 0, 65535),
    profilePath: nonEmpty(env.PROBEMESH_PROFILE),
    profileJson: nonEmpty(env.PROBEMESH_PROFILE_JSON),
    regions,
    intervalS: integer(env, "PROBEMESH_INTERVAL_S", 60, 1, 86_400),
    dataDir: nonEmpty(env.PROBEMESH_DATA_DIR) ?? ".data",
    apiTokens: list(env.PROBEMESH_API_TOKENS) ?? [],
    slackSigningSecret: nonEmpty(env.SLACK_SIGNING_SECRET),
    webhookHosts: list(env.PROBEMESH_WEBHOOK_HOSTS) ?? ["hooks.slack.com"],
    tableName: nonEmpty(env.PROBEMESH_TABLE) ?? "probemesh",
    probeFunctions: stringMap(env, "PROBEMESH_PROBE_FUNCTIONS") ?? defaultProbeFunctions(regions),
    chatopsWorker: nonEmpty(env.PROBEMESH_CHATOPS_WORKER),
    dynamodbEndpoint: nonEmpty(env.DYNAMODB_ENDPOINT),
    lambdaEndpoints: stringMap(env, "PROBEMESH_LAMBDA_ENDPOINTS") ?? {},
  };
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
