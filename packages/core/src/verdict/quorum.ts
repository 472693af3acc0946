import type { RegionState, Verdict } from "../store/types.js";

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
