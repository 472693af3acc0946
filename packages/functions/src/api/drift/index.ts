import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps } from "../deps.js";
import { documented } from "../openapi/index.js";
import { Timestamp, type Body } from "../openapi/schemas.js";

const DriftEntrySchema = v.object({ id: v.string(), component: v.string(), summary: v.string() });

export const DriftBody = v.object({
  sources: v.array(
    v.object({
      product: v.string(),
      url: v.string(),
      checkedAt: Timestamp,
      changed: v.pipe(v.boolean(), v.description("The page lists other requirements than the catalog in use")),
      added: v.array(DriftEntrySchema),
      removed: v.array(DriftEntrySchema),
      modified: v.array(v.object({ ...DriftEntrySchema.entries, changes: v.array(v.object({ field: v.string(), old: v.unknown(), new: v.unknown() })) })),
      error: v.optional(v.pipe(v.string(), v.description("Why the page could not be checked"))),
    }),
  ),
});

/** The last check of every watched vendor page (profile `watch`), and what changed on it. */
export function driftRoutes(deps: AppDeps) {
  return new Hono().get(
    "/v1/drift",
    documented({
      operationId: "listDrift",
      summary: "Watched vendor pages: when each was last checked and what it lists beyond the catalog in use",
      tag: "read",
      security: "public",
      ok: { status: 200, description: "One entry per watched page", schema: DriftBody },
      errors: { 503: true },
    }),
    async (c) => {
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
      const body: Body<typeof DriftBody> = { sources };
      return c.json(body);
    },
  );
}
