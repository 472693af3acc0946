import type { Check } from "@probemesh/core/check";
import type { ProbeResult } from "@probemesh/core/result";
import type { Verdict } from "@probemesh/core/store";
import { crossRegionVerdict, defaultQuorum, oneShotState } from "@probemesh/core/verdict";

/** One check's outcome across the regions of an on-demand probe. */
export interface CheckSummary {
  check: Check;
  verdict: Verdict;
  /** Region → the result it reported (absent: the region did not answer). */
  results: Record<string, ProbeResult>;
}

const WORST_FIRST: Verdict[] = ["down", "degraded", "unknown", "up"];

/**
 * Cross-region verdict of a one-shot probe: a region that passed counts as up, one that
 * failed as down, an inconclusive one as unknown and a region that never answered as stale
 * (never as down) — the same quorum rule as the scheduled checks.
 */
export function summarizeChecks(checks: readonly Check[], results: readonly ProbeResult[], regions: readonly string[], quorum?: number): CheckSummary[] {
  return checks.map((check) => {
    const byRegion: Record<string, ProbeResult> = {};
    for (const result of results) if (result.checkId === check.checkId && result.target === check.target) byRegion[result.region] ??= result;
    // A range scan yields several results per region; its summary result (the range target) speaks for it.
    for (const result of results) if (result.checkId === check.checkId) byRegion[result.region] ??= result;
    const states = Object.fromEntries(regions.map((region) => [region, oneShotState(byRegion[region])]));
    return { check, verdict: crossRegionVerdict(states, quorum ?? defaultQuorum(regions.length)), results: byRegion };
  });
}

/** The worst verdict among the checks (down > degraded > unknown > up). */
export function overallVerdict(summaries: readonly CheckSummary[]): Verdict {
  return WORST_FIRST.find((v) => summaries.some((s) => s.verdict === v)) ?? "unknown";
}
