import type { Check } from "@probemesh/core/check";

/** What the scheduler and POST /v1/probes send to a region's probe function. */
export interface ProbeInvocation {
  region: string;
  roundId: string;
  checks: Check[];
  /** Budget for the whole round in ms; the handler also stays below the Lambda timeout. */
  deadlineMs?: number;
  /** Set for on-demand probes: results go to this probe record instead of the round history. */
  probeId?: string;
}

/** What a probe function returns. */
export interface ProbeSummary {
  region: string;
  roundId: string;
  probeId?: string;
  checks: number;
  counts: { pass: number; fail: number; inconclusive: number };
  /** Results the deadline cut off (stored as inconclusive with `detail.deadline`, not dropped). */
  unfinished: number;
  durationMs: number;
}
