import type { Outcome } from "../result/index.js";
import type { Incident, Verdict } from "../store/types.js";

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
