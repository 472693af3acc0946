import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps } from "../deps.js";
import { BadRequest } from "../errors/index.js";
import { documented } from "../openapi/index.js";
import { OutcomeCounts, Timestamp, type Body } from "../openapi/schemas.js";
import { IsoTime, validate } from "../validate.js";

const DAY_MS = 86_400_000;

export const IncidentsQuery = v.strictObject({ from: v.optional(IsoTime), to: v.optional(IsoTime) });

export const IncidentSchema = v.pipe(
  v.object({
    id: v.string(),
    checkId: v.string(),
    openedAt: Timestamp,
    resolvedAt: v.optional(Timestamp),
    verdict: v.pipe(v.picklist(["degraded", "down"]), v.description("Worst verdict seen while open")),
    regions: v.array(v.string()),
    outcomes: OutcomeCounts,
    alerted: v.optional(v.pipe(v.boolean(), v.description("False while its alert is held back (maintenance window, or below the quorum)"))),
    maintenance: v.optional(v.pipe(v.array(v.string()), v.description("Maintenance windows it was opened inside"))),
    daysLeft: v.optional(v.pipe(v.number(), v.description("An expiring certificate: the fewest days left seen while open"))),
  }),
  v.metadata({ ref: "Incident" }),
);
export const IncidentsBody = v.object({ incidents: v.array(IncidentSchema) });

export function incidentsRoutes(deps: AppDeps) {
  return new Hono().get(
    "/v1/incidents",
    documented({
      operationId: "listIncidents",
      summary: "Incidents open at any time in [from, to); default the last 7 days",
      tag: "read",
      security: "public",
      ok: { status: 200, description: "The incidents of the range", schema: IncidentsBody },
      errors: { 400: "Invalid query or range", 503: true },
    }),
    validate("query", IncidentsQuery),
    async (c) => {
      const query = c.req.valid("query");
      const now = deps.now?.() ?? new Date();
      const to = query.to ? new Date(query.to) : now;
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
      if (!(from < to)) throw new BadRequest("`from` must be before `to`", "invalid_range");
      if (to.getTime() - from.getTime() > 400 * DAY_MS) throw new BadRequest("range too wide: at most 400 days", "invalid_range");
      const body: Body<typeof IncidentsBody> = { incidents: await deps.store.incidents({ from: from.toISOString(), to: to.toISOString() }) };
      return c.json(body);
    },
  );
}
