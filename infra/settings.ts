/**
 * Deploy-time settings, read from the environment of `npx sst deploy` in one place.
 * Pure (no SST globals) so tests can evaluate it; infra/*.ts only consume the result.
 */

import { ARCHITECTURES, DEFAULT_ARCHITECTURE, FUNCTION_SIZES } from "../packages/core/src/cost/functions.js";

export const DEFAULT_PROBE_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"] as const;

/** Where probe functions of one region attach to a customer VPC. */
export interface ProbeVpc {
  privateSubnets: string[];
  securityGroups: string[];
}

export interface ApiDomain {
  name: string;
  /** ACM certificate ARN (same region as the API) when the zone is not in Route 53. */
  certArn?: string;
}

export interface Settings {
  /** AWS regions where probe functions run (PROBEMESH_REGIONS). */
  probeRegions: string[];
  /** Region of the table, API, scheduler and chat-ops (PROBEMESH_HOME_REGION; default: first probe region). */
  homeRegion: string;
  /** Scheduler interval in seconds (PROBEMESH_INTERVAL_S); EventBridge Scheduler runs at most once a minute. */
  intervalS: number;
  /** Extra regions that get a DynamoDB global-table replica (PROBEMESH_TABLE_REPLICAS). */
  tableReplicas: string[];
  /** Probe regions attached to a VPC (PROBEMESH_PROBE_VPC, JSON { region: { privateSubnets, securityGroups } }). */
  probeVpcs: Record<string, ProbeVpc>;
  /** Custom domain of the API (PROBEMESH_API_DOMAIN, PROBEMESH_API_CERT_ARN). */
  apiDomain?: ApiDomain;
  /** Profile file bundled into the functions (PROBEMESH_PROFILE); unset = the built-in default. */
  profilePath?: string;
  /** Hosts that Slack response_urls and alert webhooks may be posted to (PROBEMESH_WEBHOOK_HOSTS). */
  webhookHosts: string;
  /** Names of the sst.Secrets the profile's alert destinations use (PROBEMESH_ALERT_SECRETS, comma-separated). */
  alertSecrets: string[];
  /** CPU architecture of every function (PROBEMESH_LAMBDA_ARCH): arm64 (Graviton, ~20 % cheaper per GB-s) unless set to x86_64. */
  lambdaArchitecture: (typeof ARCHITECTURES)[number];
  /**
   * The scheduler's memory in MB (PROBEMESH_SCHEDULER_MEMORY_MB, default 256). It judges every result of a round on
   * its memory's share of a core: `probemesh cost` says when a plan needs more (about 1,728 MB at 2 M results a round).
   */
  schedulerMemoryMb: number;
}

export class SettingsError extends Error {
  constructor(variable: string, problem: string) {
    super(`${variable}: ${problem}`);
    this.name = "SettingsError";
  }
}

type Env = Record<string, string | undefined>;

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d+$/;

/** Reads and validates the deploy settings; throws SettingsError naming the variable. */
export function readSettings(env: Env = process.env): Settings {
  const probeRegions = regionList(env, "PROBEMESH_REGIONS") ?? [...DEFAULT_PROBE_REGIONS];
  const homeRegion = text(env.PROBEMESH_HOME_REGION) ?? probeRegions[0]!;
  if (!REGION.test(homeRegion)) {
    throw new SettingsError("PROBEMESH_HOME_REGION", `"${homeRegion}" is not an AWS region name`);
  }
  const tableReplicas = (regionList(env, "PROBEMESH_TABLE_REPLICAS") ?? []).filter(
    (region) => region !== homeRegion,
  );
  const domainName = text(env.PROBEMESH_API_DOMAIN);
  const certArn = text(env.PROBEMESH_API_CERT_ARN);
  if (certArn && !domainName) {
    throw new SettingsError("PROBEMESH_API_CERT_ARN", "needs PROBEMESH_API_DOMAIN");
  }
  return {
    probeRegions,
    homeRegion,
    intervalS: interval(env.PROBEMESH_INTERVAL_S),
    tableReplicas,
    probeVpcs: probeVpcs(env.PROBEMESH_PROBE_VPC, probeRegions),
    apiDomain: domainName ? { name: domainName, ...(certArn ? { certArn } : {}) } : undefined,
    profilePath: text(env.PROBEMESH_PROFILE),
    webhookHosts: text(env.PROBEMESH_WEBHOOK_HOSTS) ?? "hooks.slack.com",
    alertSecrets: secretNames(env.PROBEMESH_ALERT_SECRETS),
    lambdaArchitecture: architecture(env.PROBEMESH_LAMBDA_ARCH),
    schedulerMemoryMb: memoryMb(env.PROBEMESH_SCHEDULER_MEMORY_MB, "PROBEMESH_SCHEDULER_MEMORY_MB", FUNCTION_SIZES.scheduler.memoryMb),
  };
}

/** EventBridge Scheduler expression for the interval (whole minutes only). */
export function scheduleExpression(intervalS: number): `rate(${string})` {
  const minutes = intervalS / 60;
  return minutes === 1 ? "rate(1 minute)" : `rate(${minutes} minutes)`;
}

/** Pascal-case id for a region, used in resource names: eu-west-1 → EuWest1. */
export function regionId(region: string): string {
  return region
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

function text(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function regionList(env: Env, name: string): string[] | undefined {
  const raw = text(env[name]);
  if (raw === undefined) return undefined;
  const regions = [...new Set(raw.split(",").map((r) => r.trim()).filter(Boolean))];
  for (const region of regions) {
    if (!REGION.test(region)) throw new SettingsError(name, `"${region}" is not an AWS region name`);
  }
  if (regions.length === 0) throw new SettingsError(name, "expected at least one region");
  return regions;
}

/** Lambda takes 128 to 10,240 MB in whole MB. */
function memoryMb(raw: string | undefined, variable: string, fallback: number): number {
  const value = text(raw);
  if (value === undefined) return fallback;
  const mb = Number(value);
  if (!/^\d+$/.test(value) || mb < 128 || mb > 10_240) throw new SettingsError(variable, `Lambda memory is a whole number of MB from 128 to 10240, got "${value}"`);
  return mb;
}

function interval(raw: string | undefined): number {
  const value = text(raw);
  if (value === undefined) return 60;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 60 || seconds % 60 !== 0 || seconds > 86_400) {
    throw new SettingsError(
      "PROBEMESH_INTERVAL_S",
      `EventBridge Scheduler needs whole minutes from 60 to 86400 seconds, got "${value}"`,
    );
  }
  return seconds;
}

function secretNames(raw: string | undefined): string[] {
  const names = [...new Set((text(raw) ?? "").split(",").map((name) => name.trim()).filter(Boolean))];
  const bad = names.find((name) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name));
  if (bad) throw new SettingsError("PROBEMESH_ALERT_SECRETS", `"${bad}" is not a secret name (letters, digits, _)`);
  return names;
}

function architecture(raw: string | undefined): Settings["lambdaArchitecture"] {
  const value = text(raw);
  if (value === undefined) return DEFAULT_ARCHITECTURE;
  const known = ARCHITECTURES.find((arch) => arch === value);
  if (!known) throw new SettingsError("PROBEMESH_LAMBDA_ARCH", `expected ${ARCHITECTURES.join(" or ")}, got "${value}"`);
  return known;
}

function probeVpcs(raw: string | undefined, probeRegions: string[]): Record<string, ProbeVpc> {
  const value = text(raw);
  if (value === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new SettingsError("PROBEMESH_PROBE_VPC", "expected JSON { region: { privateSubnets, securityGroups } }");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new SettingsError("PROBEMESH_PROBE_VPC", "expected a JSON object keyed by probe region");
  }
  const result: Record<string, ProbeVpc> = {};
  for (const [region, vpc] of Object.entries(parsed)) {
    if (!probeRegions.includes(region)) {
      throw new SettingsError("PROBEMESH_PROBE_VPC", `"${region}" is not one of the probe regions`);
    }
    const subnets = stringArray(vpc, "privateSubnets");
    const groups = stringArray(vpc, "securityGroups");
    if (!subnets || subnets.length === 0 || !groups || groups.length === 0) {
      throw new SettingsError(
        "PROBEMESH_PROBE_VPC",
        `"${region}" needs non-empty privateSubnets and securityGroups string arrays`,
      );
    }
    result[region] = { privateSubnets: subnets, securityGroups: groups };
  }
  return result;
}

function stringArray(value: unknown, key: string): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const items = (value as Record<string, unknown>)[key];
  if (!Array.isArray(items) || !items.every((item) => typeof item === "string" && item !== "")) {
    return undefined;
  }
  return items as string[];
}
