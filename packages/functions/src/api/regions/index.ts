import type { RegionHeartbeat } from "@probemesh/core/store";
import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** How one probe region is doing, from its latest heartbeat. */
export interface RegionView {
  region: string;
  /** Time of the region's latest round (answered or not); null before the first one. */
  lastRoundAt: string | null;
  /** The region answered its latest round. */
  ok: boolean;
  /** No successful round recently: its results are not current (never counted as down). */
  stale: boolean;
  error?: string;
  checks?: number;
}

/** Region views for the configured regions, plus any region that still has heartbeats. */
export function regionViews(regions: string[], heartbeats: RegionHeartbeat[], now: Date, staleAfterMs: number): RegionView[] {
  const byRegion = new Map(heartbeats.map((h) => [h.region, h]));
  const names = [...new Set([...regions, ...byRegion.keys()])];
  return names.map((region) => {
    const heartbeat = byRegion.get(region);
    if (!heartbeat) return { region, lastRoundAt: null, ok: false, stale: true };
    const age = now.getTime() - Date.parse(heartbeat.at);
    return {
      region,
      lastRoundAt: heartbeat.at,
      ok: heartbeat.ok,
      stale: !heartbeat.ok || !(age <= staleAfterMs),
      ...(heartbeat.error ? { error: heartbeat.error } : {}),
      ...(heartbeat.checks !== undefined ? { checks: heartbeat.checks } : {}),
    };
  });
}

export function regionsRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/regions", async (c) => {
    const now = deps.now?.() ?? new Date();
    const regions = regionViews(deps.regions, await deps.store.heartbeats(), now, deps.staleAfterMs);
    return c.json({ regions });
  });
}

export const regionsDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/regions",
    summary: "Probe regions with their latest round, whether it answered, and staleness",
    responses: { 200: "{ regions: [{ region, lastRoundAt, ok, stale, error?, checks? }] }" },
  },
];
