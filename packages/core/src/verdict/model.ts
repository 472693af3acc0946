import type { Outcome, ProbeResult } from "../result/index.js";
import type { CheckVerdict, LatestEntry, RegionHeartbeat, RegionState, Verdict } from "../store/types.js";
import type { ActiveWindow } from "../maintenance/index.js";
import { isStale, regionIsStale, staleAfterOf } from "./freshness.js";
import { crossRegionVerdict, defaultQuorum } from "./quorum.js";

/**
 * The verdict read model: computed once per round by `judgeChecks` (the store's `evaluate`
 * stores it), read by the API, Slack, /metrics and the page through `readVerdicts`. No other
 * module turns region states into a verdict.
 */

/** What the verdict of a round is computed from. */
export interface JudgeInput {
  latest: readonly LatestEntry[];
  heartbeats: readonly RegionHeartbeat[];
  /** Regions (and agent locations) that count for the verdict. */
  regions: readonly string[];
  now: Date;
  staleAfterMs: number;
  /** Regions that must be down for `down` (default: a majority of `regions`). */
  quorum?: number;
  /** A check's own quorum (profile or expectation `quorum`), when it has one. */
  quorumOf?: (checkId: string) => number | undefined;
  /**
   * Whether a region's plan holds the check (default: every region probes every check). A
   * region that does not probe a check has no column for it and is left out of its quorum:
   * an internal port only an agent can probe is judged by that agent alone.
   */
  probes?: (checkId: string, region: string) => boolean;
  /** Whether a region's state counts for verdicts and quorum (agents, when configured not to count, are shown only). */
  counts?: (region: string) => boolean;
}

/** One check's verdict plus what its failing regions saw (for incidents). */
export interface Judgement extends CheckVerdict {
  /** The check's own quorum when it has one (else the model's). */
  quorum?: number;
  /** Fewest days left of an expiring certificate the failing regions saw (tls_cert_expiring). */
  daysLeft?: number;
  /** Regions whose state is `down`. */
  failing: string[];
  /** Outcomes of the failing regions' latest failed results. */
  outcomes: Partial<Record<Outcome, number>>;
}

/**
 * Cross-region verdict of every check with a latest result. A region counts with its
 * threshold state only while both its heartbeat and the check's result are fresh; otherwise
 * it is `stale` (unknown, never down).
 */
export function judgeChecks(input: JudgeInput): Judgement[] {
  const heartbeat = new Map(input.heartbeats.map((h) => [h.region, h]));
  const byCheck = new Map<string, Map<string, LatestEntry>>();
  for (const entry of input.latest) {
    const regions = byCheck.get(entry.checkId) ?? new Map<string, LatestEntry>();
    regions.set(entry.region, entry);
    byCheck.set(entry.checkId, regions);
  }
  return [...byCheck]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([checkId, entries]) => {
      const probing = input.probes ? input.regions.filter((region) => input.probes!(checkId, region)) : [...input.regions];
      const regions: Record<string, RegionState | "stale"> = {};
      for (const region of probing) {
        const entry = entries.get(region);
        const beat = heartbeat.get(region);
        const stale = !entry || isStale(entry.result.at, input.now, staleAfterOf(beat, input.staleAfterMs)) || regionIsStale(beat, input.now, input.staleAfterMs);
        regions[region] = stale ? "stale" : entry.state;
      }
      const counted = input.counts ? probing.filter(input.counts) : probing;
      const failing = probing.filter((region) => regions[region] === "down");
      const outcomes: Partial<Record<Outcome, number>> = {};
      let daysLeft: number | undefined;
      for (const region of failing) {
        // A down region already passing again (not yet recovered) adds no failure outcome.
        const { outcome, status, detail } = entries.get(region)!.result;
        if (status !== "pass") outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
        if (outcome === "tls_cert_expiring" && typeof detail?.daysLeft === "number") daysLeft = Math.min(daysLeft ?? Infinity, detail.daysLeft);
      }
      const own = input.quorumOf?.(checkId);
      // More regions than probe a check can never be down: every quorum is capped at that count.
      const needed = Math.max(1, Math.min(own ?? input.quorum ?? defaultQuorum(counted.length), counted.length));
      const countedStates = Object.fromEntries(counted.map((region) => [region, regions[region]!]));
      return {
        checkId,
        verdict: crossRegionVerdict(countedStates, needed),
        regions,
        failing,
        outcomes,
        ...(daysLeft === undefined ? {} : { daysLeft }),
        ...(own === undefined ? {} : { quorum: needed }),
      };
    });
}

/** The stored verdict model: one evaluation of every check. */
export interface VerdictModel {
  evaluatedAt: string;
  regions: string[];
  quorum: number;
  checks: Record<string, StoredVerdict>;
}

/** One check in the stored model. */
export interface StoredVerdict {
  verdict: Verdict;
  since: string;
  regions: Record<string, RegionState | "stale">;
  /** The check's own quorum, when it is not the model's. */
  quorum?: number;
  /** Maintenance windows active for the check at the evaluation (alerts muted inside them). */
  maintenance?: ActiveWindow[];
}

/** One check's verdict as readers see it; `since` is null when the check has no verdict yet. */
export interface ReadVerdict {
  checkId: string;
  verdict: Verdict;
  since: string | null;
  regions: Record<string, RegionState | "stale">;
  /** Maintenance windows active for the check when the model was computed (empty: none). */
  maintenance: ActiveWindow[];
}

/** The verdict model as a reader sees it now. */
export interface VerdictReading {
  /** When the model was computed; null when no round has been evaluated yet. */
  evaluatedAt: string | null;
  /** False when no evaluation is recent enough to be believed (every verdict then reads `unknown`). */
  fresh: boolean;
  regions: string[];
  /** The verdict of one check; a check the model does not know is `unknown` in every region. */
  verdictOf(checkId: string): ReadVerdict;
}

/**
 * Reads a stored model under the one freshness rule: an evaluation older than `staleAfterMs`
 * (the scheduler stopped) makes every check `unknown` with every region `stale`.
 */
export function readVerdicts(model: VerdictModel | undefined, regions: readonly string[], now: Date, staleAfterMs: number): VerdictReading {
  const fresh = model !== undefined && !isStale(model.evaluatedAt, now, staleAfterMs);
  const names = [...regions];
  const unknown = (checkId: string, state: "stale" | "unknown"): ReadVerdict => ({
    checkId,
    verdict: "unknown",
    since: null,
    regions: Object.fromEntries(names.map((region) => [region, state])),
    maintenance: [],
  });
  return {
    evaluatedAt: model?.evaluatedAt ?? null,
    fresh,
    regions: names,
    verdictOf(checkId) {
      const stored = model?.checks[checkId];
      if (!fresh) return unknown(checkId, "stale");
      if (!stored) return unknown(checkId, "unknown");
      const states = Object.fromEntries(names.map((region) => [region, stored.regions[region] ?? "unknown"])) as Record<string, RegionState | "stale">;
      return { checkId, verdict: stored.verdict, since: stored.since, regions: states, maintenance: stored.maintenance ?? [] };
    },
  };
}

/** A one-shot result as a region state: pass is up, fail is down, inconclusive unknown, none stale. */
export function oneShotState(result: Pick<ProbeResult, "status"> | undefined): RegionState | "stale" {
  if (!result) return "stale";
  return result.status === "pass" ? "up" : result.status === "fail" ? "down" : "unknown";
}

/** Counts of verdicts, for summaries. */
export function countVerdicts(verdicts: Iterable<{ verdict: Verdict }>): Record<Verdict, number> {
  const summary = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const { verdict } of verdicts) summary[verdict] += 1;
  return summary;
}
