import type { AlertOn } from "../check/index.js";
import { coversRegion, type ActiveWindow } from "../maintenance/index.js";
import type { Outcome } from "../result/index.js";
import type { Incident, Verdict } from "../store/types.js";

/** One failing region is enough to alert unless the profile says `alertOn: quorum`. */
export const DEFAULT_ALERT_ON: AlertOn = "any";

/** When an incident of one check alerts. */
export interface AlertPolicy {
  /** `any`: a degraded or down verdict alerts; `quorum`: only `down` does (default any). */
  alertOn?: AlertOn;
  /** Maintenance windows active for the check now (core/maintenance): failures inside them do not alert. */
  windows?: readonly ActiveWindow[];
}

/** What the failing regions saw, folded into an incident. */
export interface FailureSnapshot {
  regions: string[];
  outcomes: Partial<Record<Outcome, number>>;
  /** Fewest days an expiring certificate has left, when that is the failure. */
  daysLeft?: number;
}

export interface IncidentStep {
  /** The incident open after this step (undefined when none is open). */
  open?: Incident;
  opened?: Incident;
  resolved?: Incident;
  /** True when `open` differs from the incident passed in (must be stored). */
  changed: boolean;
  /** The alert this step sends: `opened` once the incident qualifies outside maintenance, `resolved` only after that. */
  alert?: "opened" | "resolved";
}

const SEVERITY = { degraded: 1, down: 2 } as const;

/**
 * Incident transitions for one check: `degraded`/`down` opens one (or widens the open
 * one: worst verdict, union of regions, highest count per outcome), `up` resolves it,
 * `unknown` (no fresh data) leaves it as it is. Alerts follow `policy`: an incident alerts
 * (`alerted: true`) once its verdict qualifies for `alertOn` while some failing region is
 * outside every maintenance window; one opened inside a window is tagged with the window's
 * names. A resolved incident alerts only if its opening did (legacy incidents without the
 * flag did).
 */
export function stepIncident(
  checkId: string,
  open: Incident | undefined,
  verdict: Verdict,
  failures: FailureSnapshot,
  now: string,
  policy: AlertPolicy = {},
): IncidentStep {
  if (verdict === "up") {
    if (!open) return { changed: false };
    const resolved = { ...open, resolvedAt: now };
    return { resolved, changed: true, ...(open.alerted !== false ? { alert: "resolved" as const } : {}) };
  }
  if (verdict === "unknown") return { open, changed: false };
  const windows = policy.windows ?? [];
  const inside = windows.filter((window) => failures.regions.some((region) => coversRegion([window], region)));
  const muted = windows.length > 0 && failures.regions.every((region) => coversRegion(windows, region));
  const qualifies = (policy.alertOn ?? DEFAULT_ALERT_ON) === "any" || verdict === "down";
  const alertNow = qualifies && !muted;
  if (!open) {
    const opened: Incident = {
      id: `${checkId}@${now}`,
      checkId,
      openedAt: now,
      verdict,
      regions: [...failures.regions].sort(),
      outcomes: { ...failures.outcomes },
      alerted: alertNow,
      ...(failures.daysLeft === undefined ? {} : { daysLeft: failures.daysLeft }),
      ...(inside.length > 0 ? { maintenance: [...new Set(inside.map((window) => window.name))] } : {}),
    };
    return { open: opened, opened, changed: true, ...(alertNow ? { alert: "opened" as const } : {}) };
  }
  const regions = [...new Set([...open.regions, ...failures.regions])].sort();
  const outcomes = { ...open.outcomes };
  for (const [outcome, count] of Object.entries(failures.outcomes) as Array<[Outcome, number]>) {
    outcomes[outcome] = Math.max(outcomes[outcome] ?? 0, count);
  }
  const worst = SEVERITY[verdict] > SEVERITY[open.verdict] ? verdict : open.verdict;
  // Held back so far (maintenance, or below the quorum): it alerts the first time it qualifies.
  const raise = open.alerted === false && alertNow;
  const daysLeft = failures.daysLeft === undefined ? open.daysLeft : Math.min(failures.daysLeft, open.daysLeft ?? Infinity);
  const widened: Incident = { ...open, verdict: worst, regions, outcomes, ...(daysLeft === undefined ? {} : { daysLeft }), ...(raise ? { alerted: true } : {}) };
  const changed = JSON.stringify(widened) !== JSON.stringify(open);
  return { open: widened, changed, ...(raise ? { alert: "opened" as const } : {}) };
}
