import { regionViews } from "@probemesh/core/verdict";
export type { RegionView } from "@probemesh/core/verdict";
export { regionViews };
import { Hono } from "hono";
import * as v from "valibot";
import { shownRegions, type AppDeps } from "../deps.js";
import { documented } from "../openapi/index.js";
import { RegionViewSchema, type Body } from "../openapi/schemas.js";

export const RegionsBody = v.object({ regions: v.array(RegionViewSchema) });

export function regionsRoutes(deps: AppDeps) {
  return new Hono().get(
    "/v1/regions",
    documented({
      operationId: "listRegions",
      summary: "Probe regions with their latest round, whether it answered, and staleness",
      tag: "read",
      security: "public",
      ok: { status: 200, description: "Every shown region (probe regions and agent locations)", schema: RegionsBody },
      errors: { 503: true },
    }),
    async (c) => {
      const now = deps.now?.() ?? new Date();
      const body: Body<typeof RegionsBody> = { regions: regionViews(shownRegions(deps), await deps.store.heartbeats(), now, deps.staleAfterMs) };
      return c.json(body);
    },
  );
}
