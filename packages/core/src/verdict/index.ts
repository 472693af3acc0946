import type { Outcome, Status } from "../result/index.js";
import type { Incident, RegionState, Thresholds, Verdict } from "../store/types.js";

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
 * Fold one result into a check × region counter. The first decisive result sets the
 * initial state; after that `thresholds.fail` failures in a row turn it `down` and
 * `thresholds.recover` passes in a row turn it `up`. `inconclusive` changes nothing
 * but `lastAt`. A result not newer than `lastAt` is a redelivery and is ignored.
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
  if (state === "unknown") state = passed ? "up" : "down";
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

/** Default quorum: a strict majority of the probe regions. */
export function defaultQuorum(regionCount: number): number {
  return Math.floor(regionCount / 2) + 1;
}

/**
 * Cross-region verdict. `down`: at least `quorum` regions down. `degraded`: some region
 * down, fewer than the quorum. `up`: none down and at least `quorum` regions fresh and up.
 * Otherwise `unknown` — a stale or unknown region never counts as down.
 */
export function crossRegionVerdict(regions: Record<string, RegionState | "stale">, quorum: number): Verdict {
  const states = Object.values(regions);
  const down = states.filter((s) => s === "down").length;
  const up = states.filter((s) => s === "up").length;
  if (down >= quorum) return "down";
  if (down > 0) return "degraded";
  if (up >= quorum) return "up";
  return "unknown";
}

/** True when the newest sign of life is missing or older than `staleAfterMs`. */
export function isStale(lastSeen: string | undefined, now: Date, staleAfterMs: number): boolean {
  return lastSeen === undefined || now.getTime() - Date.parse(lastSeen) > staleAfterMs;
}

/** What the failing regions saw, folded into an incident. */
export interface FailureSnapshot {
  regions: string[];
  outcomes: Partial<Record<Outcome, number>>;
}

export interface IncidentStep {
  /** The incident open after this step (undefined when none is open). */
  open?: Incident;
  opened?: Incident;
  resolved?: Incident;
  /** True when `open` differs from the incident passed in (must be stored). */
  changed: boolean;
}

const SEVERITY = { degraded: 1, down: 2 } as const;

/**
 * Incident transitions for one check: `degraded`/`down` opens one (or widens the open
 * one: worst verdict, union of regions, highest count per outcome), `up` resolves it,
 * `unknown` (no fresh data) leaves it as it is.
 */
export function stepIncident(
  checkId: string,
  open: Incident | undefined,
  verdict: Verdict,
  failures: FailureSnapshot,
  now: string,
): IncidentStep {
  if (verdict === "up") {
    if (!open) return { changed: false };
    const resolved = { ...open, resolvedAt: now };
    return { resolved, changed: true };
  }
  if (verdict === "unknown") return { open, changed: false };
  if (!open) {
    const opened: Incident = {
      id: `${checkId}@${now}`,
      checkId,
      openedAt: now,
      verdict,
      regions: [...failures.regions].sort(),
      outcomes: { ...failures.outcomes },
    };
    return { open: opened, opened, changed: true };
  }
  const regions = [...new Set([...open.regions, ...failures.regions])].sort();
  const outcomes = { ...open.outcomes };
  for (const [outcome, count] of Object.entries(failures.outcomes) as Array<[Outcome, number]>) {
    outcomes[outcome] = Math.max(outcomes[outcome] ?? 0, count);
  }
  const worst = SEVERITY[verdict] > SEVERITY[open.verdict] ? verdict : open.verdict;
  const widened: Incident = { ...open, verdict: worst, regions, outcomes };
  const changed = JSON.stringify(widened) !== JSON.stringify(open);
  return { open: widened, changed };
}
