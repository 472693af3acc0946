import { basename } from "node:path";
import { settings } from "./config.js";
import { table } from "./storage.js";

/** Where the deploy-time profile file lands inside every function bundle (/var/task). */
const bundledProfile = settings.profilePath ? `probemesh-profile-${basename(settings.profilePath)}` : undefined;

/** Copies the profile file (PROBEMESH_PROFILE) into the function bundle, if one is set. */
export const profileFiles = bundledProfile ? [{ from: settings.profilePath!, to: bundledProfile }] : [];

/**
 * Environment every handler shares (DESIGN.md § Configuration). The table lives in the home
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
};

/** Log retention for every function: long enough to debug an incident, short enough to stay cheap. */
export const logging = { retention: "1 month" as const };
