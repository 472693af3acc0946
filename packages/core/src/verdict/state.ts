import type { Status } from "../result/index.js";
import type { RegionState, Thresholds } from "../store/types.js";

/** No flapping on one lost packet: two in a row to go down, two in a row to come back. */
export const DEFAULT_THRESHOLDS: Thresholds = { fail: 2, recover: 2 };

/** State of one check in one region, carried from result to result. */
export interface RegionCounter {
  state: RegionState;
  consecutiveFailures: number;
  consecutivePasses: number;
  /** When `state` last changed. */
  since: string;
  /** `at` of the newest result folded in; older or equal results are ignored (redelivery). */
  lastAt: string;
}

/**
 * Fold one result into a check × region counter. `thresholds.fail` failures in a row turn
 * it `down` — from the very first result too, so a new check's first lost packet opens no
 * incident — and `thresholds.recover` passes in a row bring a `down` one back `up`. A new
 * check is `up` from its first pass (a completed connection is proof, one failure is not).
 * `inconclusive` changes nothing but `lastAt`. A result not newer than `lastAt` is a
 * redelivery and is ignored.
 */
export function nextRegionState(
  previous: RegionCounter | undefined,
  result: { status: Status; at: string },
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): RegionCounter {
  if (previous && result.at <= previous.lastAt) return previous;
  const base: RegionCounter = previous ?? {
    state: "unknown",
    consecutiveFailures: 0,
    consecutivePasses: 0,
    since: result.at,
    lastAt: result.at,
  };
  if (result.status === "inconclusive") return { ...base, lastAt: result.at };
  const passed = result.status === "pass";
  const consecutivePasses = passed ? base.consecutivePasses + 1 : 0;
  const consecutiveFailures = passed ? 0 : base.consecutiveFailures + 1;
  let state = base.state;
  if (state === "unknown") state = passed ? "up" : consecutiveFailures >= thresholds.fail ? "down" : "unknown";
  else if (state === "down" && consecutivePasses >= thresholds.recover) state = "up";
  else if (state === "up" && consecutiveFailures >= thresholds.fail) state = "down";
  return {
    state,
    consecutiveFailures,
    consecutivePasses,
    since: state === base.state ? base.since : result.at,
    lastAt: result.at,
  };
}
