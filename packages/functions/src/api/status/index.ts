import type { ActiveWindow } from "@probemesh/core/maintenance";
import { countVerdicts, readVerdicts } from "@probemesh/core/verdict";
import { Hono } from "hono";
import { shownRegions, type AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** Verdict per scheduled or stored check, read from the stored verdict model (core/verdict). */
export async function statusView(deps: AppDeps) {
  const now = deps.now?.() ?? new Date();
  const [planned, model] = await Promise.all([deps.checks(), deps.store.verdicts()]);
  const reading = readVerdicts(model, shownRegions(deps), now, deps.staleAfterMs);
  const labels = new Map(planned.map((check) => [check.checkId, check]));
  const ids = [...new Set([...labels.keys(), ...Object.keys(model?.checks ?? {})])];
  const checks = ids.map((checkId) => {
    const check = labels.get(checkId);
    const { verdict, since, regions, maintenance } = reading.verdictOf(checkId);
    return {
      checkId,
      label: check?.label ?? check?.target ?? checkId,
      product: check?.product ?? null,
      component: check?.component ?? null,
      verdict,
      since,
      regions,
      maintenance,
    };
  });
  return {
    generatedAt: now.toISOString(),
    evaluatedAt: reading.evaluatedAt,
    fresh: reading.fresh,
    checks,
    summary: countVerdicts(checks),
    maintenance: activeMaintenance(checks),
  };
}

/** The maintenance windows active at the evaluation, each once, with how many checks it covers. */
function activeMaintenance(checks: readonly { maintenance: ActiveWindow[] }[]): Array<ActiveWindow & { checks: number }> {
  const byWindow = new Map<string, ActiveWindow & { checks: number }>();
  for (const window of checks.flatMap((check) => check.maintenance)) {
    const key = `${window.name} ${window.startedAt}`;
    const known = byWindow.get(key);
    if (known) known.checks += 1;
    else byWindow.set(key, { ...window, checks: 1 });
  }
  return [...byWindow.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.name.localeCompare(b.name));
}

export function statusRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/status", async (c) => c.json(await statusView(deps)));
}

export const statusDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/status",
    summary: "Overall verdict per check (up | degraded | down | unknown) with each region's state",
    responses: {
      200: "{ generatedAt, evaluatedAt, fresh, checks: [{ checkId, label, product, component, verdict, since, regions, maintenance: [{ name, startedAt, endsAt, regions? }] }], summary: { up, degraded, down, unknown }, maintenance: [{ name, startedAt, endsAt, regions?, checks }] }",
    },
  },
];
