import { isAgentRegion } from "../agent/region.js";
import type { RegionHeartbeat } from "../store/types.js";

/**
 * The one freshness rule (regions, results and the stored verdict model alike): a sign of
 * life older than `staleAfterMs` is stale. Stale data never counts as down, only as unknown.
 */

/** Slack for a slow round in the default window. */
const SLOW_ROUND_SLACK_MS = 30_000;

/** Two missed rounds plus 30 s of slack for a slow round: then a region or result is stale. */
export function staleAfterMs(intervalS: number): number {
  return intervalS * 2_000 + SLOW_ROUND_SLACK_MS;
}

/** True when the newest sign of life is missing or older than `staleAfterMs`. */
export function isStale(lastSeen: string | undefined, now: Date, staleAfterMs: number): boolean {
  return lastSeen === undefined || !(now.getTime() - Date.parse(lastSeen) <= staleAfterMs);
}

/**
 * The freshness window of one region: the deployment's, or longer for an agent location that
 * probes on a longer interval of its own (its heartbeat says which): two of its intervals plus
 * the slack, which is 30 s or the deployment's whole window when that is configured shorter.
 */
export function staleAfterOf(heartbeat: Pick<RegionHeartbeat, "intervalS"> | undefined, staleAfter: number): number {
  return heartbeat?.intervalS ? Math.max(staleAfter, heartbeat.intervalS * 2_000 + Math.min(SLOW_ROUND_SLACK_MS, staleAfter)) : staleAfter;
}

/** How one probe region (or agent location) is doing, from its latest heartbeat. */
export interface RegionView {
  region: string;
  /** Time of the region's latest round (answered or not); null before the first one. */
  lastRoundAt: string | null;
  /** The region answered its latest round. */
  ok: boolean;
  /** No answered round recently: its results are not current (never counted as down). */
  stale: boolean;
  error?: string;
  checks?: number;
  /** An agent location (`probemesh agent`), not a cloud region. */
  agent?: boolean;
  /** An agent's result batches waiting to be sent. */
  buffered?: number;
  /** An agent's result batches dropped since it started (its buffer overflowed): lost results. */
  dropped?: number;
}

/** A region is fresh when its latest round answered and is recent. */
export function regionIsStale(heartbeat: Pick<RegionHeartbeat, "at" | "ok" | "intervalS"> | undefined, now: Date, staleAfter: number): boolean {
  return !heartbeat?.ok || isStale(heartbeat.at, now, staleAfterOf(heartbeat, staleAfter));
}

/** Region views for the configured regions, plus any region that still has heartbeats. */
export function regionViews(regions: readonly string[], heartbeats: readonly RegionHeartbeat[], now: Date, staleAfter: number): RegionView[] {
  const byRegion = new Map(heartbeats.map((h) => [h.region, h]));
  const names = [...new Set([...regions, ...byRegion.keys()])];
  return names.map((region) => {
    const heartbeat = byRegion.get(region);
    const agent = isAgentRegion(region) ? { agent: true } : {};
    if (!heartbeat) return { region, lastRoundAt: null, ok: false, stale: true, ...agent };
    return {
      region,
      ...agent,
      lastRoundAt: heartbeat.at,
      ok: heartbeat.ok,
      stale: regionIsStale(heartbeat, now, staleAfter),
      ...(heartbeat.error ? { error: heartbeat.error } : {}),
      ...(heartbeat.checks !== undefined ? { checks: heartbeat.checks } : {}),
      ...(heartbeat.buffered !== undefined ? { buffered: heartbeat.buffered } : {}),
      ...(heartbeat.dropped !== undefined ? { dropped: heartbeat.dropped } : {}),
    };
  });
}
