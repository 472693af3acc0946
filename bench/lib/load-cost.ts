/**
 * The load run priced: DynamoDB units as DynamoDB Local reported them (ReturnConsumedCapacity) and
 * the invocations' measured durations, times the published prices, next to `probemesh cost`'s
 * estimate for the same workload; and every invocation next to the duration model.
 */
import type { Check } from "@probemesh/core/check";
import { estimateCost, FUNCTION_SIZES, gbSeconds, probeInvocationMs, schedulerInvocationMs, usageUsd, type Usage } from "@probemesh/core/cost";
import type { CapacityTotals } from "./capacity.js";
import { median, type Row } from "./report.js";

export interface LoadUsage {
  checks: Check[];
  regions: number;
  intervalS: number;
  shards: number;
  /** Per round: its wall time (the scheduler's invocation) and each region's probe invocation with its slowest result. */
  rounds: Array<{ ms: number; regions: Array<{ ms: number; slowestCheckMs: number }> }>;
  /** Capacity units DynamoDB (Local) reported, running totals taken after each round. */
  unitsAfterRound: CapacityTotals[];
  /** Hours rolled up during the run, summed over region × shard (WriteSummary.bucketsClosed). */
  bucketsClosed: number;
  /** Results stored. */
  results: number;
}

const section = "load";

/** Rows: units per round against the estimate, cost per million checks against the estimate, durations against the model. */
export function loadCostRows(u: LoadUsage): { rows: Row[]; raw: unknown } {
  const estimate = estimateCost({ checks: u.checks, checksPerRound: u.checks.length, regions: u.regions, intervalS: u.intervalS, shards: u.shards });
  const rounds = u.rounds.length;
  const hourCloses = u.bucketsClosed / (u.regions * u.shards);
  // The first round creates the state, the closed markers and every verdict shard; the estimate is of steady rounds.
  const first = u.unitsAfterRound[0]!;
  const last = u.unitsAfterRound.at(-1)!;
  const steadyRounds = rounds - 1;
  const steady = { write: last.write - first.write, read: last.read - first.read };
  const expectedSteady = {
    write: steadyRounds * estimate.unitsPerRound.write + hourCloses * estimate.unitsPerHourClose.write,
    read: steadyRounds * estimate.unitsPerRound.read + hourCloses * estimate.unitsPerHourClose.read,
  };
  const expected = { write: expectedSteady.write + first.write, read: expectedSteady.read + first.read };
  const probeMs = u.rounds.flatMap((r) => r.regions.map((x) => x.ms));
  const modelProbeMs = u.rounds.flatMap((r) => r.regions.map((x) => probeInvocationMs(u.checks.length, x.slowestCheckMs)));
  const schedulerMs = u.rounds.map((r) => r.ms);
  const modelSchedulerMs = u.rounds.map((r) => schedulerInvocationMs(u.checks.length, u.regions, Math.max(...r.regions.map((x) => x.ms))));
  const invocations = rounds * (u.regions + 1);
  const logGb = (invocations * estimate.workload.logBytesPerInvocation) / 1e9;
  const usage = (probe: number[], scheduler: number[], units: { write: number; read: number }): Usage => ({
    probeGbS: gbSeconds(probe, FUNCTION_SIZES.probe.memoryMb),
    schedulerGbS: gbSeconds(scheduler, FUNCTION_SIZES.scheduler.memoryMb),
    invocations,
    schedulerRuns: rounds,
    writeUnits: units.write,
    readUnits: units.read,
    logGb,
  });
  const measuredUsd = usageUsd(usage(probeMs, schedulerMs, last));
  const estimatedUsd = usageUsd(usage(modelProbeMs, modelSchedulerMs, expected));
  /** US cents per million checks (the figures are a few cents; the table prints two decimals). */
  const perMillion = (usd: number) => (usd / u.results) * 1e6 * 100;
  const within = (ratio: number) => ratio >= 0.85 && ratio <= 1.15;
  const unitsNote = `rounds 2–${rounds} (${hourCloses.toFixed(2)} hour closes); round 1 created state, markers and verdicts: ${first.write} WRU, ${first.read} RRU (added to both sides of the cost row)`;
  const rows: Row[] = [
    { section, metric: "DynamoDB write units per round (as DynamoDB Local reports them)", value: steady.write / steadyRounds, unit: "WRU", baseline: "probemesh cost estimate", baselineValue: expectedSteady.write / steadyRounds, ratio: steady.write / expectedSteady.write, goal: "0.85–1.15", pass: within(steady.write / expectedSteady.write), note: unitsNote },
    { section, metric: "DynamoDB read units per round (as DynamoDB Local reports them)", value: steady.read / steadyRounds, unit: "RRU", baseline: "probemesh cost estimate", baselineValue: expectedSteady.read / steadyRounds, ratio: steady.read / expectedSteady.read, goal: "0.85–1.15", pass: within(steady.read / expectedSteady.read), note: unitsNote },
    { section, metric: "cost per million checks: units consumed and invocation time measured, × published prices (arm64)", value: perMillion(measuredUsd), unit: "¢ per M checks", baseline: "the same items from probemesh cost's model", baselineValue: perMillion(estimatedUsd), ratio: measuredUsd / estimatedUsd, goal: "≤ 1.0 (the estimate does not under-price)", pass: measuredUsd <= estimatedUsd, note: `storage and hourly rollups of a full month left out (a ${((rounds * u.intervalS) / 60).toFixed(0)}-minute run does not have them); the full monthly estimate for this workload is $${estimate.perMillionChecksUsd.toFixed(3)} per million` },
    { section, metric: "probe invocation (median of every region-round)", value: median(probeMs), unit: "ms", baseline: "duration model (slowest result of that region-round + per-check work)", baselineValue: median(modelProbeMs), ratio: median(probeMs) / median(modelProbeMs), goal: "≤ 1.0", pass: median(probeMs) <= median(modelProbeMs), note: `max ${Math.max(...probeMs)} ms vs model ${Math.max(...modelProbeMs).toFixed(0)} ms; all three regions share this process's event loop and its 2 cores with DynamoDB Local` },
    { section, metric: "scheduler invocation (median round)", value: median(schedulerMs), unit: "ms", baseline: "duration model (slowest region + evaluation)", baselineValue: median(modelSchedulerMs), ratio: median(schedulerMs) / median(modelSchedulerMs), goal: "≤ 1.0", pass: median(schedulerMs) <= median(modelSchedulerMs) },
  ];
  return { rows, raw: { estimate, expectedUnits: expected, measuredUnits: last, unitsAfterRound: u.unitsAfterRound, measuredUsd, estimatedUsd, probeMs, modelProbeMs, schedulerMs, modelSchedulerMs } };
}
