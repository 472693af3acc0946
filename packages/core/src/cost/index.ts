/**
 * What a deployment costs on AWS a month, itemised: the published prices (./prices.ts, one dated
 * table), the item sizes and write units of the store's own encoders (store/size.ts), the
 * function sizes infra/ deploys (./functions.ts) and the duration model the load bench checks
 * (./duration.ts). `probemesh cost` prints it; README's cost table is its output.
 */
import type { Check } from "../check/index.js";
import { packJson } from "../store/codec.js";
import { itemBytes, readUnitsOf, roundItems, writeUnitsOf } from "../store/size.js";
import { DURATION_MODEL, probeInvocationMs, schedulerInvocationMs } from "./duration.js";
import { DEFAULT_ARCHITECTURE, evaluationMs, FUNCTION_SIZES, schedulerMemoryFor } from "./functions.js";
import { PRICES, type Architecture } from "./prices.js";
import { sampleResult, syntheticChecks } from "./sample.js";

export { PRICES, type Architecture } from "./prices.js";
export { ARCHITECTURES, DEFAULT_ARCHITECTURE, EVALUATION, evaluationMs, FULL_VCPU_MB, FUNCTION_SIZES, roundDeadlineMs, schedulerMemoryFor } from "./functions.js";
export { DURATION_MODEL, probeInvocationMs, schedulerInvocationMs } from "./duration.js";
export { sampleResult, syntheticChecks } from "./sample.js";

/** An empty region spool: the one ReceiveMessage each probe invocation makes before it writes. */
const DEFAULT_SPOOL = { requestsPerRegionRound: 1 };
/** A 30-day month, as AWS bills a month of scheduled work. */
export const MONTH_S = 30 * 86_400;
/** Results one round's items are sized from; larger plans are scaled from this many. */
const SAMPLE_CHECKS = 5_000;
/** Checks whose hour of rollups is sized (rollup items are per check, so they scale exactly). */
const SAMPLE_ROLLUP_CHECKS = 50;
/** DynamoDB stores 100 bytes of overhead per item (and per index entry) for storage billing. */
const ITEM_OVERHEAD_BYTES = 100;

export interface Workload {
  /** Checks each region runs per round (the profile's plan, or checks per minute × interval). */
  checksPerRound: number;
  regions: number;
  /** Seconds between rounds. */
  intervalS: number;
  /** The planned checks (a profile's); default: synthetic checks in the lab catalog's mix. */
  checks?: Check[];
  architecture?: Architecture;
  /** The slowest check of a round (DURATION_MODEL.slowestCheckMs when unset). */
  slowestCheckMs?: number;
  /**
   * A measured probe invocation (ms, one region's plan) in place of the duration model's; the scheduler
   * still waits for it. The rounds bench prices the rounds it timed with this.
   */
  probeMs?: number;
  /** The scheduler's memory (PROBEMESH_SCHEDULER_MEMORY_MB); default: what `schedulerMemoryFor` sizes for this workload. */
  schedulerMemoryMb?: number;
  /** Store partitions per region (the store's `shards`, default 4). */
  shards?: number;
  /** Days raw results are kept (the store's retention, default 30). */
  retentionDays?: number;
  /** CloudWatch Logs bytes per invocation: START, END and REPORT lines plus one summary line. */
  logBytesPerInvocation?: number;
  /**
   * The region spool (an SQS FIFO queue per probe region, infra/spool.ts): every probe invocation
   * drains it first, so even an empty spool costs one ReceiveMessage per region-round (the default).
   * `false` leaves it out; other queues or spools between probes and the store add their requests here.
   */
  spool?: { requestsPerRegionRound: number } | false;
}

/** One priced line of the estimate. */
export interface CostItem {
  item: string;
  arithmetic: string;
  quantity: number;
  unit: string;
  usd: number;
}

/** What one region's round weighs in the store, from the store's encoders. */
export interface StoreFootprint {
  /** Compressed bytes per result in the raw items. */
  rawBytesPerResult: number;
  rawItemsPerRound: number;
  rawWriteUnitsPerRound: number;
  stateItemsPerRound: number;
  /** Bytes of all state items one region's round rewrites. */
  stateBytesPerRound: number;
  stateWriteUnitsPerRound: number;
  /** Strongly consistent reads of the state items before their puts (each item rounded up on its own). */
  stateReadUnitsPerRound: number;
  /** Bytes of an hourly rollup item (one per check × region × hour; GSI1 holds a copy). */
  rollupItemBytes: number;
}

export interface CostEstimate {
  workload: Required<Omit<Workload, "checks" | "spool" | "probeMs" | "schedulerMemoryMb">> & { spool?: { requestsPerRegionRound: number } };
  pricesAsOf: string;
  roundsPerMonth: number;
  checksPerMonth: number;
  invocation: { probeMs: number; schedulerMs: number; probeMemoryMb: number; schedulerMemoryMb: number };
  fanOut: FanOut;
  store: StoreFootprint;
  /** DynamoDB units per round of all regions, hour closes left out (what the load bench compares with what DynamoDB reports). */
  unitsPerRound: { write: number; read: number };
  /** DynamoDB units of one hour close of all regions (rollups, closed markers, the hour's raw reads). */
  unitsPerHourClose: { write: number; read: number };
  items: CostItem[];
  totalUsd: number;
  perMillionChecksUsd: number;
  /** Limits the workload runs into (an invocation over its function's timeout, a state shard over its size cap). */
  warnings: string[];
}

/** A unit price as AWS prints it: every published digit, at least two decimals ($0.20, $0.625, $0.0000133334). */
const usd = (price: number) => `$${price.toFixed(Math.max(2, (String(price).split(".")[1] ?? "").length))}`;
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const n = (value: number, digits = 0) => value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });

function storeFootprint(checks: Check[], w: { checksPerRound: number; intervalS: number; shards: number; retentionDays: number }): StoreFootprint {
  const region = "us-east-1";
  const at = "2026-01-01T00:00:00.000Z";
  const sampled = checks.slice(0, SAMPLE_CHECKS);
  const scale = w.checksPerRound / sampled.length;
  const results = sampled.map((check, i) => sampleResult(check, region, at, 1, i));
  const perHour = Math.max(1, Math.round(3600 / w.intervalS));
  const rollupChecks = sampled.slice(0, SAMPLE_ROLLUP_CHECKS);
  const hourResults = Array.from({ length: perHour }, (_, round) =>
    rollupChecks.map((check, i) => sampleResult(check, region, new Date(Date.parse(at) + round * w.intervalS * 1000).toISOString(), round, i)),
  ).flat();
  const items = roundItems({ region, roundId: at, results, hourResults, shards: w.shards, retentionDays: w.retentionDays });
  const rawBytes = sum(items.raw.map(itemBytes));
  return {
    rawBytesPerResult: rawBytes / results.length,
    rawItemsPerRound: items.raw.length * scale,
    rawWriteUnitsPerRound: sum(items.raw.map((item) => writeUnitsOf(itemBytes(item)))) * scale,
    stateItemsPerRound: items.state.length,
    stateBytesPerRound: sum(items.state.map(itemBytes)) * scale,
    stateWriteUnitsPerRound: sum(items.state.map((item) => writeUnitsOf(itemBytes(item)))) * scale,
    stateReadUnitsPerRound: sum(items.state.map((item) => readUnitsOf(itemBytes(item), true))) * scale,
    rollupItemBytes: sum(items.hourly.map(itemBytes)) / items.hourly.length,
  };
}

/** Bytes of the stored verdict model for `checks` checks over `regions` regions. */
function verdictBytes(checks: Check[], regions: number): number {
  const names = Array.from({ length: regions }, (_, i) => `region-${i}-1`);
  const blob = Object.fromEntries(checks.slice(0, SAMPLE_CHECKS).map((c) => [c.checkId, { verdict: "up", since: "2026-01-01T00:00:00.000Z", regions: Object.fromEntries(names.map((r) => [r, "up"])) }]));
  return (packJson(blob).byteLength * checks.length) / Math.min(checks.length, SAMPLE_CHECKS);
}

type Settled = ReturnType<typeof settle>;

/** The workload with every default filled in. */
function settle(input: Workload) {
  return {
    checksPerRound: input.checksPerRound,
    regions: input.regions,
    intervalS: input.intervalS,
    architecture: input.architecture ?? DEFAULT_ARCHITECTURE,
    slowestCheckMs: input.slowestCheckMs ?? DURATION_MODEL.slowestCheckMs,
    shards: input.shards ?? 4,
    retentionDays: input.retentionDays ?? 30,
    logBytesPerInvocation: input.logBytesPerInvocation ?? 512,
    ...(input.spool === false ? {} : { spool: input.spool ?? DEFAULT_SPOOL }),
  };
}

/** DynamoDB units a month: per round, per hour close and per day close, as the store issues them. */
function dynamoUnits(w: Settled, store: StoreFootprint, checks: Check[]) {
  const rounds = MONTH_S / w.intervalS;
  const hours = MONTH_S / 3600;
  const days = MONTH_S / 86_400;
  // DynamoDB writes per region-round: raw items + state; per round: heartbeats + the verdict meta item.
  const roundWrites = w.regions * (store.rawWriteUnitsPerRound + store.stateWriteUnitsPerRound) + w.regions + 1;
  // Each hour, per region: a rollup per check (plus its GSI1 copy) and a closed marker per shard; each day a daily rollup per check.
  const rollupUnits = writeUnitsOf(store.rollupItemBytes);
  const hourWrites = w.regions * (w.checksPerRound * rollupUnits * 2 + w.shards);
  const dayWrites = w.regions * w.checksPerRound * rollupUnits;
  const writeUnits = rounds * roundWrites + hours * hourWrites + days * dayWrites;

  // Reads per round: each state shard read strongly before its put; the evaluation queries every region's
  // state, the verdict model, heartbeats, regions and open incidents (eventually consistent).
  const evaluateReads = w.regions * readUnitsOf(store.stateBytesPerRound, false) + readUnitsOf(verdictBytes(checks, w.regions), false) + 3 * 0.5;
  const roundReads = w.regions * store.stateReadUnitsPerRound + evaluateReads;
  // Each hour, per region and shard: the closed marker and the hour's raw items; each day the hourly rollups of the day (GSI1).
  const rawBytesPerHourShard = (store.rawBytesPerResult * w.checksPerRound * (3600 / w.intervalS)) / w.shards;
  const hourReads = w.regions * w.shards * (1 + readUnitsOf(rawBytesPerHourShard, false));
  const dayReads = w.regions * w.shards * readUnitsOf((24 * w.checksPerRound * store.rollupItemBytes) / w.shards, false);
  const readUnits = rounds * roundReads + hours * hourReads + days * dayReads;

  return { roundWrites, hourWrites, writeUnits, roundReads, hourReads, readUnits };
}

/** Stored GB once retention has filled: raw items (retention), hourly rollups and their GSI1 copies (90 d), daily (400 d). */
function storageOf(w: Settled, store: StoreFootprint) {
  const rawBytesPerRegionRound = store.rawBytesPerResult * w.checksPerRound + store.rawItemsPerRound * ITEM_OVERHEAD_BYTES;
  const rawGb = (rawBytesPerRegionRound * w.regions * (86_400 / w.intervalS) * w.retentionDays) / 1e9;
  const rollupGb = (w.regions * w.checksPerRound * (store.rollupItemBytes + ITEM_OVERHEAD_BYTES) * (24 * 90 * 2 + 400)) / 1e9;
  return { rawGb, rollupGb };
}

/** Lambda account defaults and DynamoDB's per-partition ceilings the fan-out is held against. */
const LIMITS = { concurrentExecutionsPerRegion: 1000, partitionWcuPerS: 1000, partitionRcuPerS: 3000 } as const;

/** How one round spreads over invocations and DynamoDB partitions. */
export interface FanOut {
  probeInvocationsPerRegionRound: number;
  probeInvocationsPerMinute: number;
  /** All of a region's invocations run at once: its peak concurrent executions. */
  peakConcurrencyPerRegion: number;
  /** Concurrent executions averaged over the interval. */
  meanConcurrencyPerRegion: number;
  /** Write units per second on the busiest partition of each kind, if a round's writes land within one probe invocation's time. */
  partitionWcuPerS: { regionState: number; rawShard: number; verdictModel: number };
  /** Read units per second on the region state partition when the evaluation reads it (strongly consistent reads before each put included). */
  partitionRcuPerS: { regionState: number };
}

function fanOutOf(w: Settled, store: StoreFootprint, checks: Check[], perRegionRound: number, probeMs: number): { figures: FanOut; warnings: string[] } {
  const windowS = Math.max(1, probeMs / 1000);
  const figures: FanOut = {
    probeInvocationsPerRegionRound: perRegionRound,
    probeInvocationsPerMinute: (w.regions * perRegionRound * 60) / w.intervalS,
    peakConcurrencyPerRegion: perRegionRound,
    meanConcurrencyPerRegion: (perRegionRound * probeMs) / (w.intervalS * 1000),
    partitionWcuPerS: {
      // Raw, state and verdict items each carry their shard in the partition key (STATE#{region}#{n}, VERDICT#{n}).
      regionState: store.stateWriteUnitsPerRound / w.shards / windowS,
      rawShard: store.rawWriteUnitsPerRound / w.shards / windowS,
      verdictModel: writeUnitsOf(verdictBytes(checks, w.regions) * (w.checksPerRound / Math.min(w.checksPerRound, checks.length))) / w.shards / windowS,
    },
    partitionRcuPerS: { regionState: (store.stateReadUnitsPerRound + readUnitsOf(store.stateBytesPerRound, false)) / w.shards / windowS },
  };
  const warnings: string[] = [];
  if (figures.peakConcurrencyPerRegion > LIMITS.concurrentExecutionsPerRegion) warnings.push(`${n(figures.peakConcurrencyPerRegion)} concurrent probe invocations per region exceed the default ${LIMITS.concurrentExecutionsPerRegion} concurrent executions: request a quota increase`);
  const hottest = Math.max(...Object.values(figures.partitionWcuPerS));
  if (hottest > LIMITS.partitionWcuPerS) warnings.push(`a partition would take ${n(hottest)} WCU/s, over DynamoDB's ${LIMITS.partitionWcuPerS} per partition`);
  return { figures, warnings };
}

/** The fan-out lines `probemesh cost` prints under the table. */
function renderFanOut(f: FanOut, w: Settled): string[] {
  const wcu = f.partitionWcuPerS;
  return [
    "",
    `Fan-out: ${n(f.probeInvocationsPerRegionRound)} probe invocations per region per round (≤ ${FUNCTION_SIZES.probe.maxChecks} checks each) = ${n(f.probeInvocationsPerMinute)} invocations a minute; peak ${n(f.peakConcurrencyPerRegion)} concurrent executions per region (mean ${n(f.meanConcurrencyPerRegion, 1)}) against the default ${LIMITS.concurrentExecutionsPerRegion}.`,
    `Hottest partitions, if a round's writes land within one invocation's time: a region state shard ${n(wcu.regionState)} WCU/s and ${n(f.partitionRcuPerS.regionState)} RCU/s, a raw region × shard ${n(wcu.rawShard)} WCU/s, a verdict shard ${n(wcu.verdictModel)} WCU/s (${w.shards} shards per region; per partition ${LIMITS.partitionWcuPerS} WCU/s and ${LIMITS.partitionRcuPerS} RCU/s).`,
  ];
}

/** Limits the workload runs into. */
function warningsOf(store: StoreFootprint, probeMs: number, schedulerMs: number, results: number, schedulerMemoryMb: number): string[] {
  const warnings: string[] = [];
  const sized = schedulerMemoryFor(results);
  if (!sized.fits) warnings.push(`judging ${n(results)} results a round takes ${n(evaluationMs(results, sized.memoryMb) / 1000, 1)} s even on a full core, over the scheduler's share of its timeout: fewer checks × regions per round`);
  else if (schedulerMemoryMb < sized.memoryMb) warnings.push(`the scheduler's ${schedulerMemoryMb} MB is too small to judge ${n(results)} results a round in time: set PROBEMESH_SCHEDULER_MEMORY_MB=${sized.memoryMb}`);
  if (probeMs > FUNCTION_SIZES.probe.timeoutS * 1000) warnings.push(`a probe invocation would take ${n(probeMs / 1000, 1)} s, over the probe function's ${FUNCTION_SIZES.probe.timeoutS} s timeout: fewer checks per region per round, or a longer interval`);
  if (schedulerMs > FUNCTION_SIZES.scheduler.timeoutS * 1000) warnings.push(`a scheduler invocation would take ${n(schedulerMs / 1000, 1)} s, over its ${FUNCTION_SIZES.scheduler.timeoutS} s timeout`);
  const shardBytes = store.stateBytesPerRound / store.stateItemsPerRound;
  if (shardBytes > 380_000) warnings.push(`a region state shard would hold ${n(shardBytes / 1000)} KB (the store's cap is 380 KB): raise the store's shards to ${Math.ceil(store.stateBytesPerRound / 300_000)}`);
  return warnings;
}

/** The monthly estimate for `input`, itemised. */
export function estimateCost(input: Workload): CostEstimate {
  if (!(input.checksPerRound > 0) || !(input.regions > 0) || !(input.intervalS > 0)) throw new RangeError("checks per round, regions and interval must be positive");
  const w = settle(input);
  const checks = input.checks?.length ? input.checks : syntheticChecks(Math.min(w.checksPerRound, SAMPLE_CHECKS));
  const rounds = MONTH_S / w.intervalS;
  const store = storeFootprint(checks, w);
  const p = PRICES;

  // Lambda: a region's plan split into invocations of at most maxChecks (rounds/shards.ts), all
  // started at once; one scheduler invocation per round.
  const perRegionRound = Math.ceil(w.checksPerRound / FUNCTION_SIZES.probe.maxChecks);
  const probeMs = Math.ceil(input.probeMs ?? probeInvocationMs(Math.ceil(w.checksPerRound / perRegionRound), w.slowestCheckMs));
  const schedulerMemoryMb = input.schedulerMemoryMb ?? schedulerMemoryFor(w.checksPerRound * w.regions).memoryMb;
  const schedulerMs = Math.ceil(schedulerInvocationMs(w.checksPerRound, w.regions, probeMs, schedulerMemoryMb));
  const probeInvocations = rounds * w.regions * perRegionRound;
  const invocations = probeInvocations + rounds;
  const probeGbS = probeInvocations * gbSeconds([probeMs], FUNCTION_SIZES.probe.memoryMb);
  const schedulerGbS = rounds * gbSeconds([schedulerMs], schedulerMemoryMb);
  const gbSecondPrice = p.lambda.perGbSecond[w.architecture];

  const { roundWrites, hourWrites, writeUnits, roundReads, hourReads, readUnits } = dynamoUnits(w, store, checks);
  const { rawGb, rollupGb } = storageOf(w, store);
  const storageGb = rawGb + rollupGb;

  const logGb = (invocations * w.logBytesPerInvocation) / 1e9;
  const items: CostItem[] = [
    { item: "Lambda requests", arithmetic: `(${n(probeInvocations)} probe + ${n(rounds)} scheduler) invocations × ${usd(p.lambda.perMillionRequests)} / 1M`, quantity: invocations, unit: "requests", usd: (invocations * p.lambda.perMillionRequests) / 1e6 },
    { item: `Lambda compute (${w.architecture})`, arithmetic: `probes ${n(probeInvocations)} × ${FUNCTION_SIZES.probe.memoryMb / 1024} GB × ${n(probeMs / 1000, 3)} s + scheduler ${n(rounds)} × ${n(schedulerMemoryMb / 1024, 3)} GB × ${n(schedulerMs / 1000, 3)} s = ${n(probeGbS + schedulerGbS)} GB-s × ${usd(gbSecondPrice)}`, quantity: probeGbS + schedulerGbS, unit: "GB-s", usd: (probeGbS + schedulerGbS) * gbSecondPrice },
    { item: "DynamoDB writes", arithmetic: `${n(roundWrites, 1)} WRU per round (raw ${n(store.rawWriteUnitsPerRound, 1)} + state ${n(store.stateWriteUnitsPerRound, 1)} per region, at ${n(store.rawBytesPerResult, 1)} B per result) + rollups ${n(hourWrites, 1)} per hour = ${n(writeUnits)} WRU × ${usd(p.dynamodb.perMillionWriteUnits)} / 1M`, quantity: writeUnits, unit: "WRU", usd: (writeUnits * p.dynamodb.perMillionWriteUnits) / 1e6 },
    { item: "DynamoDB reads", arithmetic: `${n(roundReads, 1)} RRU per round + hour closes ${n(hourReads, 1)} per hour = ${n(readUnits)} RRU × ${usd(p.dynamodb.perMillionReadUnits)} / 1M`, quantity: readUnits, unit: "RRU", usd: (readUnits * p.dynamodb.perMillionReadUnits) / 1e6 },
    { item: "DynamoDB storage", arithmetic: `raw ${n(rawGb, 3)} GB (${w.retentionDays} d) + rollups ${n(rollupGb, 3)} GB × ${usd(p.dynamodb.perGbMonth)} per GB-month`, quantity: storageGb, unit: "GB-month", usd: storageGb * p.dynamodb.perGbMonth },
    { item: "EventBridge Scheduler", arithmetic: `${n(rounds)} invocations × ${usd(p.scheduler.perMillionInvocations)} / 1M (the first 14M a month are free; not subtracted)`, quantity: rounds, unit: "invocations", usd: (rounds * p.scheduler.perMillionInvocations) / 1e6 },
    { item: "CloudWatch Logs", arithmetic: `${n(invocations)} invocations × ${w.logBytesPerInvocation} B = ${n(logGb, 3)} GB × ${usd(p.logs.perGbIngested)}`, quantity: logGb, unit: "GB", usd: logGb * p.logs.perGbIngested },
  ];
  if (w.spool) {
    const requests = probeInvocations * w.spool.requestsPerRegionRound;
    items.push({ item: "Region spool (SQS FIFO)", arithmetic: `${n(requests)} requests (${n(w.spool.requestsPerRegionRound, 1)} per probe invocation: the drain before each write) × ${usd(p.sqs.perMillionFifoRequests)} / 1M (the first 1M a month are free; not subtracted)`, quantity: requests, unit: "requests", usd: (requests * p.sqs.perMillionFifoRequests) / 1e6 });
  }
  const fanOut = fanOutOf(w, store, checks, perRegionRound, probeMs);
  const warnings = [...warningsOf(store, probeMs, schedulerMs, w.checksPerRound * w.regions, schedulerMemoryMb), ...fanOut.warnings];
  const totalUsd = sum(items.map((i) => i.usd));
  const checksPerMonth = rounds * w.checksPerRound * w.regions;
  return {
    workload: w,
    pricesAsOf: p.asOf,
    roundsPerMonth: rounds,
    checksPerMonth,
    invocation: { probeMs, schedulerMs, probeMemoryMb: FUNCTION_SIZES.probe.memoryMb, schedulerMemoryMb },
    fanOut: fanOut.figures,
    store,
    unitsPerRound: { write: roundWrites, read: roundReads },
    unitsPerHourClose: { write: hourWrites, read: hourReads },
    items,
    totalUsd,
    perMillionChecksUsd: (totalUsd / checksPerMonth) * 1e6,
    warnings,
  };
}

/** Metered use of some stretch of time, priced like the estimate (the load bench prices what it measured with it). */
export interface Usage {
  probeGbS: number;
  schedulerGbS: number;
  /** Lambda invocations, probe and scheduler. */
  invocations: number;
  schedulerRuns: number;
  writeUnits: number;
  readUnits: number;
  logGb: number;
}

/** What `usage` costs at the published prices. */
export function usageUsd(u: Usage, architecture: Architecture = DEFAULT_ARCHITECTURE): number {
  const p = PRICES;
  return (
    (u.invocations * p.lambda.perMillionRequests) / 1e6 +
    (u.probeGbS + u.schedulerGbS) * p.lambda.perGbSecond[architecture] +
    (u.writeUnits * p.dynamodb.perMillionWriteUnits) / 1e6 +
    (u.readUnits * p.dynamodb.perMillionReadUnits) / 1e6 +
    (u.schedulerRuns * p.scheduler.perMillionInvocations) / 1e6 +
    u.logGb * p.logs.perGbIngested
  );
}

/** GB-seconds of invocations of `memoryMb` lasting `ms` each (Lambda bills whole milliseconds). */
export const gbSeconds = (ms: number[], memoryMb: number) => (sum(ms.map(Math.ceil)) * memoryMb) / 1024 / 1000;

/** The estimate as the Markdown the README shows (`probemesh cost` prints exactly this). */
export function renderCost(e: CostEstimate): string {
  const w = e.workload;
  const perMinute = (w.checksPerRound * 60) / w.intervalS;
  const lines = [
    `**Cost, ${n(perMinute, 1)} checks a minute (${n(w.checksPerRound)} every ${n(w.intervalS)} s) from ${w.regions} regions**: ${n(e.checksPerMonth)} checks in a 30-day month.`,
    `Published ${PRICES.region} prices as of ${e.pricesAsOf} (packages/core/src/cost/prices.ts), no free tier subtracted; functions on ${w.architecture}; item sizes from the store's encoders; durations from the model the load bench checks.`,
    "",
    "| item | arithmetic | $/month |",
    "| --- | --- | --- |",
    ...e.items.map((i) => `| ${i.item} | ${i.arithmetic} | ${i.usd.toFixed(2)} |`),
    `| **total** | **$${e.totalUsd.toFixed(2)} / ${n(e.checksPerMonth / 1e6, 2)} M checks = $${e.perMillionChecksUsd.toFixed(2)} per million checks** | **${e.totalUsd.toFixed(2)}** |`,
    ...(e.fanOut.probeInvocationsPerRegionRound > 1 ? renderFanOut(e.fanOut, e.workload as Settled) : []),
    ...e.warnings.map((warning) => `\nWarning: ${warning}.`),
  ];
  return lines.join("\n") + "\n";
}
