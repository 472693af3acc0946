import { regionViews } from "@probemesh/core/verdict";
export type { RegionView } from "@probemesh/core/verdict";
export { regionViews };
import { Hono } from "hono";
import { shownRegions, type AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

export function regionsRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/regions", async (c) => {
    const now = deps.now?.() ?? new Date();
    const regions = regionViews(shownRegions(deps), await deps.store.heartbeats(), now, deps.staleAfterMs);
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
