import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** The last check of every watched vendor page (profile `watch`), and what changed on it. */
export function driftRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/drift", async (c) => {
    const sources = (await deps.store.driftSources()).map(({ product, url, checkedAt, changed, added, removed, modified, error }) => ({
      product,
      url,
      checkedAt,
      changed,
      added,
      removed,
      modified,
      ...(error ? { error } : {}),
    }));
    return c.json({ sources });
  });
}

export const driftDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/drift",
    summary: "Watched vendor pages: when each was last checked and what it lists beyond the catalog in use",
    responses: { 200: "{ sources: [{ product, url, checkedAt, changed, added, removed, modified, error? }] }" },
  },
];
