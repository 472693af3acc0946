import { countVerdicts, readVerdicts } from "@probemesh/core/verdict";
import { Hono } from "hono";
import type { AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** Verdict per scheduled or stored check, read from the stored verdict model (core/verdict). */
export async function statusView(deps: AppDeps) {
  const now = deps.now?.() ?? new Date();
  const [planned, model] = await Promise.all([deps.checks(), deps.store.verdicts()]);
  const reading = readVerdicts(model, deps.regions, now, deps.staleAfterMs);
  const labels = new Map(planned.map((check) => [check.checkId, check]));
  const ids = [...new Set([...labels.keys(), ...Object.keys(model?.checks ?? {})])];
  const checks = ids.map((checkId) => {
    const check = labels.get(checkId);
    const { verdict, since, regions } = reading.verdictOf(checkId);
    return {
      checkId,
      label: check?.label ?? check?.target ?? checkId,
      product: check?.product ?? null,
      component: check?.component ?? null,
      verdict,
      since,
      regions,
    };
  });
  return { generatedAt: now.toISOString(), evaluatedAt: reading.evaluatedAt, fresh: reading.fresh, checks, summary: countVerdicts(checks) };
}

export function statusRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/status", async (c) => c.json(await statusView(deps)));
}

export const statusDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/status",
    summary: "Overall verdict per check (up | degraded | down | unknown) with each region's state",
    responses: { 200: "{ generatedAt, evaluatedAt, fresh, checks: [{ checkId, label, product, component, verdict, since, regions }], summary: { up, degraded, down, unknown } }" },
  },
];
