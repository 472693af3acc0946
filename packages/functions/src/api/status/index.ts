import type { LatestEntry, RegionState } from "@probemesh/core/store";
import { crossRegionVerdict, defaultQuorum } from "@probemesh/core/verdict";
import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import { regionViews } from "../regions/index.js";
import type { RouteDoc } from "../validate.js";

export function statusRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/status", async (c) => {
    const now = deps.now?.() ?? new Date();
    const [planned, latest, heartbeats] = await Promise.all([deps.checks(), deps.store.latest(), deps.store.heartbeats()]);
    const stale = new Set(
      regionViews(deps.regions, heartbeats, now, deps.staleAfterMs)
        .filter((view) => view.stale)
        .map((view) => view.region),
    );
    const quorum = deps.quorum ?? defaultQuorum(deps.regions.length);
    const entriesById = new Map<string, LatestEntry[]>();
    for (const entry of latest) {
      if (!deps.regions.includes(entry.region)) continue;
      entriesById.set(entry.checkId, [...(entriesById.get(entry.checkId) ?? []), entry]);
    }
    const labels = new Map(planned.map((check) => [check.checkId, check]));
    const ids = [...new Set([...labels.keys(), ...entriesById.keys()])];
    const summary = { up: 0, degraded: 0, down: 0, unknown: 0 };
    const checks = ids.map((checkId) => {
      const entries = entriesById.get(checkId) ?? [];
      const check = labels.get(checkId);
      const regions = regionStates(deps.regions, entries, stale);
      const verdict = crossRegionVerdict(regions, quorum);
      summary[verdict] += 1;
      return {
        checkId,
        label: check?.label ?? check?.target ?? entries[0]?.result.target ?? checkId,
        product: check?.product ?? null,
        component: check?.component ?? null,
        verdict,
        regions,
      };
    });
    return c.json({ generatedAt: now.toISOString(), checks, summary });
  });
}

export const statusDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/status",
    summary: "Overall verdict per check (up | degraded | down | unknown) with each region's state",
    responses: { 200: "{ generatedAt, checks: [{ checkId, label, product, component, verdict, regions }], summary: { up, degraded, down, unknown } }" },
  },
];

/** Each region's state for one check; a stale region shows `stale` whatever it said last. */
function regionStates(regions: string[], entries: LatestEntry[], staleRegions: ReadonlySet<string>): Record<string, RegionState | "stale"> {
  const byRegion = new Map(entries.map((entry) => [entry.region, entry.state]));
  return Object.fromEntries(
    regions.map((region) => [region, staleRegions.has(region) ? "stale" : (byRegion.get(region) ?? "unknown")]),
  );
}
