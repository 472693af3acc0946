import type { ActiveWindow } from "@probemesh/core/maintenance";
import { countVerdicts, readVerdicts } from "@probemesh/core/verdict";
import { Hono } from "hono";
import * as v from "valibot";
import { shownRegions, type AppDeps } from "../deps.js";
import { documented } from "../openapi/index.js";
import { ActiveWindowSchema, RegionStateSchema, Timestamp, VerdictSchema, type Body } from "../openapi/schemas.js";

export const StatusBody = v.object({
  generatedAt: Timestamp,
  evaluatedAt: v.pipe(v.nullable(Timestamp), v.description("When the verdicts were evaluated (the round marker of /v1/rounds/latest)")),
  fresh: v.pipe(v.boolean(), v.description("False when no evaluation is recent enough to be believed (every verdict reads unknown)")),
  checks: v.array(
    v.object({
      checkId: v.string(),
      label: v.string(),
      product: v.nullable(v.string()),
      component: v.nullable(v.string()),
      verdict: VerdictSchema,
      since: v.nullable(Timestamp),
      regions: v.record(v.string(), v.union([RegionStateSchema, v.literal("stale")])),
      maintenance: v.array(ActiveWindowSchema),
    }),
  ),
  summary: v.object({ up: v.number(), degraded: v.number(), down: v.number(), unknown: v.number() }),
  maintenance: v.array(v.object({ ...ActiveWindowSchema.entries, checks: v.pipe(v.number(), v.description("Checks the window covers")) })),
});

/** Verdict per scheduled or stored check, read from the stored verdict model (core/verdict). */
export async function statusView(deps: AppDeps): Promise<Body<typeof StatusBody>> {
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

export function statusRoutes(deps: AppDeps) {
  return new Hono().get(
    "/v1/status",
    documented({
      operationId: "getStatus",
      summary: "Overall verdict per check (up | degraded | down | unknown) with each region's state",
      tag: "read",
      security: "public",
      ok: { status: 200, description: "Verdicts, their summary and the active maintenance windows", schema: StatusBody },
      errors: { 503: true },
    }),
    async (c) => c.json(await statusView(deps)),
  );
}
