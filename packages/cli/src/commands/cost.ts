import { ARCHITECTURES, DEFAULT_ARCHITECTURE, estimateCost, renderCost, type Architecture, type Workload } from "@probemesh/core/cost";
import { plan } from "@probemesh/core/plan";
import { loadProfile } from "@probemesh/core/profile";
import { resolve } from "node:path";
import { command, UsageError } from "../io.js";
import { parse } from "./args.js";

const USAGE = "probemesh cost [--profile file | --checks-per-minute n] [--regions n] [--interval s] [--slowest-check-ms n] [--shards n] [--arch arm64|x86_64] [--json]";

/** The README's workload: 100 checks a minute from the three default regions. */
export const DEFAULT_WORKLOAD = { checksPerMinute: 100, regions: 3, intervalS: 60 } as const;

const HELP = `usage: ${USAGE}

Estimates the monthly AWS bill (Lambda, DynamoDB on-demand, scheduler, queues), itemised with its
arithmetic from one dated price table: for a profile's plan, or for a number of checks a minute.

  --profile <file>          price what this profile plans (its regions and interval too)
  --checks-per-minute <n>   price n checks a minute instead (default ${DEFAULT_WORKLOAD.checksPerMinute})
  --regions <n>             probe regions (default ${DEFAULT_WORKLOAD.regions}, or the profile's)
  --interval <s>            scheduler interval in whole minutes, as seconds (default ${DEFAULT_WORKLOAD.intervalS})
  --slowest-check-ms <n>    the slowest check's duration, for the Lambda time of a round
  --shards <n>              the store's state shards per region (PROBEMESH_STORE_SHARDS, default 4)
  --arch arm64|x86_64       Lambda architecture (default ${DEFAULT_ARCHITECTURE})
  --json                    { monthlyUsd, perMillionChecksUsd, items: [{ name, arithmetic, monthlyUsd }] }

exit codes: 0 ok, 2 bad usage or input
`;

/**
 * `probemesh cost`: the monthly AWS estimate for a profile's plan (or a number of checks a minute),
 * itemised from published prices, the store's item sizes and the duration model (core/cost).
 */
export const cost = command(HELP, async (args, io) => {
  const { values, positionals } = parse(
    args,
    { profile: { type: "string" }, "checks-per-minute": { type: "string" }, regions: { type: "string" }, interval: { type: "string" }, arch: { type: "string" }, "slowest-check-ms": { type: "string" }, shards: { type: "string" }, json: { type: "boolean" } },
    USAGE,
  );
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: ${USAGE})`);
  if (values.profile !== undefined && values["checks-per-minute"] !== undefined) {
    throw new UsageError("--profile and --checks-per-minute cannot be combined: the profile's plan decides the checks");
  }
  const profile = values.profile !== undefined ? await loadProfile(resolve(io.cwd, values.profile)) : undefined;
  const intervalS = values.interval !== undefined ? interval(values.interval, "--interval") : profile?.intervalS !== undefined ? interval(String(profile.intervalS), "the profile's intervalS") : DEFAULT_WORKLOAD.intervalS;
  const regions = values.regions !== undefined ? whole(values.regions, "--regions", 1, 50) : (profile?.regions?.length ?? DEFAULT_WORKLOAD.regions);
  const architecture = values.arch ?? DEFAULT_ARCHITECTURE;
  if (!(ARCHITECTURES as readonly string[]).includes(architecture)) throw new UsageError(`--arch must be one of ${ARCHITECTURES.join(", ")}, not "${architecture}"`);

  const slowest = {
    ...(values["slowest-check-ms"] !== undefined ? { slowestCheckMs: whole(values["slowest-check-ms"], "--slowest-check-ms", 1, 600_000) } : {}),
    ...(values.shards !== undefined ? { shards: whole(values.shards, "--shards", 1, 256) } : {}),
  };

  let workload: Workload;
  if (profile) {
    const checks = plan({ profile }).checks;
    if (checks.length === 0) throw new UsageError(`${values.profile}: the profile plans no checks, so there is nothing to price`);
    workload = { checks, checksPerRound: checks.length, regions, intervalS, architecture: architecture as Architecture, ...slowest };
  } else {
    const perMinute = values["checks-per-minute"] !== undefined ? whole(values["checks-per-minute"], "--checks-per-minute", 1, 1_000_000) : DEFAULT_WORKLOAD.checksPerMinute;
    workload = { checksPerRound: Math.ceil((perMinute * intervalS) / 60), regions, intervalS, architecture: architecture as Architecture, ...slowest };
  }
  const estimate = estimateCost(workload);
  io.stdout.write(values.json ? `${JSON.stringify(estimate, null, 2)}\n` : renderCost(estimate));
  return 0;
});

function whole(raw: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, not "${raw}"`);
  return Number(raw);
}

/** EventBridge Scheduler runs whole minutes (infra/settings.ts refuses anything else), so the estimate does too. */
function interval(raw: string, what: string): number {
  const seconds = whole(raw, what, 60, 86_400);
  if (seconds % 60 !== 0) throw new UsageError(`${what} must be whole minutes (EventBridge Scheduler), not ${seconds} s`);
  return seconds;
}
