import { basename } from "node:path";
import { settings } from "./config.js";
import { table } from "./storage.js";

/** Where the deploy-time profile file lands inside every function bundle (/var/task). */
const bundledProfile = settings.profilePath ? `probemesh-profile-${basename(settings.profilePath)}` : undefined;

/** Copies the profile file (PROBEMESH_PROFILE) into the function bundle, if one is set. */
export const profileFiles = bundledProfile ? [{ from: settings.profilePath!, to: bundledProfile }] : [];

/** Every function runs on the Node.js version the suite is also run on (.ci/run: Node 24). */
export const FUNCTION_RUNTIME = "nodejs24.x" as const;

/** Every function's architecture (PROBEMESH_LAMBDA_ARCH, default arm64): the bundles are pure JavaScript (test/infra/bundle.test.ts). */
export const FUNCTION_ARCHITECTURE = settings.lambdaArchitecture;

/**
 * Settings read by the handlers' one settings loader (packages/functions/src/config) that the
 * operator may set at deploy time; each is passed through unchanged when set, so a variable has
 * the same effect on AWS as under `npm start`.
 */
const PASSED_THROUGH = [
  "PROBEMESH_GUARD_ALLOW",
  "PROBEMESH_GUARD_PORTS",
  "PROBEMESH_QUORUM",
  "PROBEMESH_AGENTS_IN_QUORUM",
  "PROBEMESH_FAIL_THRESHOLD",
  "PROBEMESH_RECOVER_THRESHOLD",
  "PROBEMESH_PROBE_TIMEOUT_MS",
  "PROBEMESH_PROBE_CONCURRENCY",
  "PROBEMESH_ALERT_WEBHOOK",
  "PROBEMESH_ALERT_SLACK_WEBHOOK",
] as const;

/**
 * Environment every handler shares. The table lives in the home
 * region; probe functions elsewhere write to it there (PROBEMESH_TABLE_REGION), or to their
 * local replica when PROBEMESH_TABLE_REPLICAS includes their region.
 */
export const sharedEnvironment: Record<string, $util.Input<string>> = {
  PROBEMESH_TABLE: table.name,
  PROBEMESH_TABLE_REGION: settings.homeRegion,
  PROBEMESH_TABLE_REPLICAS: settings.tableReplicas.join(","),
  PROBEMESH_REGIONS: settings.probeRegions.join(","),
  PROBEMESH_INTERVAL_S: String(settings.intervalS),
  PROBEMESH_WEBHOOK_HOSTS: settings.webhookHosts,
  ...(bundledProfile ? { PROBEMESH_PROFILE: `/var/task/${bundledProfile}` } : {}),
  ...Object.fromEntries(PASSED_THROUGH.flatMap((name) => (process.env[name]?.trim() ? [[name, process.env[name]!.trim()]] : []))),
};

/** Log retention for every function: long enough to debug an incident, short enough to stay cheap. */
export const logging = { retention: "1 month" as const };
