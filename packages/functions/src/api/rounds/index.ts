import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/**
 * When the latest round's verdicts were stored: one small read, so the status page can poll it
 * every second and reload everything else only when it changes (SSE does not pass through Lambda).
 */
export function roundsRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/rounds/latest", async (c) => {
    const evaluatedAt = (await deps.store.evaluatedAt()) ?? null;
    c.header("cache-control", "no-store");
    return c.json({ evaluatedAt });
  });
}

export const roundsDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/rounds/latest",
    summary: "When the latest round's verdicts were evaluated (null before the first round); cheap to poll",
    responses: { 200: "{ evaluatedAt: string | null }" },
  },
];
