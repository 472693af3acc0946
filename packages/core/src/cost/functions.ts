/**
 * Sizes of the scheduled Lambda functions: infra/ deploys these and the cost estimate prices
 * them, so the two cannot drift. Plain data, no imports (infra's type check copies this folder).
 */
export const FUNCTION_SIZES = {
  /** I/O-bound: 512 MB (about a third of a vCPU) covers ~100 concurrent TLS handshakes. */
  /** maxChecks: the scheduler's cap on one invocation's plan (about 600 KB of payload, far below Lambda's 6 MB). */
  probe: { memoryMb: 512, timeoutS: 55, maxChecks: 2000 },
  /**
   * It mostly waits for the regions' RequestResponse invocations, then judges every result. 256 MB is the
   * default; a workload whose evaluation needs more deploys `schedulerMemoryFor(results)` (PROBEMESH_SCHEDULER_MEMORY_MB).
   */
  scheduler: { memoryMb: 256, timeoutS: 58 },
} as const;

/**
 * What the evaluation needs, measured by \`npm run bench -- evaluate\` (2 M results: 100,000 checks × 20 regions,
 * 32 shards, DynamoDB Local; BENCHMARKS.md): a steady round took 20.9 to 31.9 s on one core in three runs
 * (95,698 to 62,756 results judged per second), peak RSS 508 to 656 MB. `resultsPerCoreSecond` is the slowest
 * run rounded down; `mbPerMillionResults` is the highest peak above Node's own ~100 MB baseline, per million results.
 */
export const EVALUATION = { resultsPerCoreSecond: 60_000, baselineMb: 100, mbPerMillionResults: 280 } as const;

/** Lambda gives a function one full vCPU at 1,769 MB, and CPU in proportion to memory below that. */
export const FULL_VCPU_MB = 1769;
/** Lambda's largest function. */
const MAX_MEMORY_MB = 10_240;
/** The share of the scheduler's timeout its evaluation may take: the rest waits for the regions and writes heartbeats. */
const EVALUATION_SHARE = 0.6;

/** How long the evaluation of `results` (checks × regions) takes on a function of `memoryMb` (one core at most: it is one thread). */
export function evaluationMs(results: number, memoryMb: number): number {
  const cores = Math.min(1, memoryMb / FULL_VCPU_MB);
  return (results / (EVALUATION.resultsPerCoreSecond * cores)) * 1000;
}

/**
 * The scheduler memory that evaluates `results` (checks × regions per round) within its share of the timeout,
 * with room for its peak RSS (×1.5): the default 256 MB up to about 250,000 results, 1,728 MB at 2 M (34.1 s).
 * Above ~2.09 M results one core is too slow whatever the memory: `fits` is false.
 */
export function schedulerMemoryFor(results: number): { memoryMb: number; fits: boolean } {
  const budgetMs = FUNCTION_SIZES.scheduler.timeoutS * 1000 * EVALUATION_SHARE;
  const forCpu = (results / (EVALUATION.resultsPerCoreSecond * (budgetMs / 1000))) * FULL_VCPU_MB;
  const forMemory = 1.5 * (EVALUATION.baselineMb + (EVALUATION.mbPerMillionResults * results) / 1e6);
  const memoryMb = Math.min(MAX_MEMORY_MB, Math.ceil(Math.max(FUNCTION_SIZES.scheduler.memoryMb, forCpu, forMemory) / 64) * 64);
  return { memoryMb, fits: evaluationMs(results, memoryMb) <= budgetMs };
}

/** Graviton: about 20 % cheaper per GB-second; the bundles are pure JavaScript, so they load there. */
export const DEFAULT_ARCHITECTURE = "arm64" as const;

/** Architectures a function may be deployed on (PROBEMESH_LAMBDA_ARCH). */
export const ARCHITECTURES = ["arm64", "x86_64"] as const;

/** Time the scheduler keeps after the evaluation for heartbeats, alerts and its own start. */
const SCHEDULER_MARGIN_MS = 3000;

/**
 * How long a round waits for the regions: 80 % of the interval, at most 50 s, and (in Lambda, where the scheduler's
 * memory is known) no longer than its timeout leaves once the evaluation of `results` is taken out, so a slow region
 * cannot push a large evaluation past the timeout. Never under 5 s.
 */
export function roundDeadlineMs(opts: { intervalS: number; results: number; schedulerMemoryMb?: number }): number {
  const left = opts.schedulerMemoryMb === undefined ? Infinity : FUNCTION_SIZES.scheduler.timeoutS * 1000 - SCHEDULER_MARGIN_MS - evaluationMs(opts.results, opts.schedulerMemoryMb);
  return Math.max(5000, Math.floor(Math.min(opts.intervalS * 800, 50_000, left)));
}
