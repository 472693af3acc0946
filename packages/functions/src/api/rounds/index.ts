import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps } from "../deps.js";
import { documented } from "../openapi/index.js";
import { Timestamp, type Body } from "../openapi/schemas.js";

export const LatestRoundBody = v.object({ evaluatedAt: v.nullable(Timestamp) });

/**
 * When the latest round's verdicts were stored: one small read, so the status page can poll it
 * every second and reload everything else only when it changes (SSE does not pass through Lambda).
 */
export function roundsRoutes(deps: AppDeps) {
  return new Hono().get(
    "/v1/rounds/latest",
    documented({
      operationId: "getLatestRound",
      summary: "When the latest round's verdicts were evaluated (null before the first round); cheap to poll",
      tag: "read",
      security: "public",
      ok: { status: 200, description: "The latest round marker", schema: LatestRoundBody },
      errors: { 503: true },
    }),
    async (c) => {
      const body: Body<typeof LatestRoundBody> = { evaluatedAt: (await deps.store.evaluatedAt()) ?? null };
      c.header("cache-control", "no-store");
      return c.json(body);
    },
  );
}
