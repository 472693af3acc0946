import { evaluationMs, FUNCTION_SIZES } from "./functions.js";

/**
 * How long the scheduled invocations take: a round lasts as long as its slowest check, plus
 * work per check (probe set-up, encoding, the store's writes) and a fixed part. The load bench
 * compares every invocation it makes with this model (bench/load.ts: "… vs the duration model").
 */
export const DURATION_MODEL = {
  probe: {
    /** Handler set-up, payload parsing, the summary. */
    overheadMs: 100,
    /** Per check on 512 MB (a third of a vCPU): the prober's CPU, the result, its share of the writes. */
    perCheckMs: 4,
  },
  scheduler: {
    /** Heartbeats and the evaluation's fixed reads and writes; the judging itself is functions.ts's `evaluationMs`. */
    overheadMs: 300,
  },
  /** The slowest check of a round over the internet, when nothing says otherwise. */
  slowestCheckMs: 1000,
} as const;

export type FunctionName = keyof typeof FUNCTION_SIZES;

/** One region's probe invocation: the slowest check, plus work per check, plus a fixed part. */
export function probeInvocationMs(checks: number, slowestCheckMs: number = DURATION_MODEL.slowestCheckMs): number {
  return DURATION_MODEL.probe.overheadMs + slowestCheckMs + DURATION_MODEL.probe.perCheckMs * checks;
}

/** The scheduler waits for the slowest region (RequestResponse), then evaluates every result on its memory's share of a core. */
export function schedulerInvocationMs(checks: number, regions: number, slowestRegionMs: number, memoryMb: number = FUNCTION_SIZES.scheduler.memoryMb): number {
  return slowestRegionMs + DURATION_MODEL.scheduler.overheadMs + evaluationMs(checks * regions, memoryMb);
}
