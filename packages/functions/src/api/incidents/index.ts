import { Hono } from "hono";
import * as v from "valibot";
import type { AppDeps } from "../deps.js";
import { BadRequest } from "../errors/index.js";
import { IsoTime, validate, type RouteDoc } from "../validate.js";

const DAY_MS = 86_400_000;

export const IncidentsQuery = v.strictObject({ from: v.optional(IsoTime), to: v.optional(IsoTime) });

export function incidentsRoutes(deps: AppDeps): Hono {
  return new Hono().get("/v1/incidents", validate("query", IncidentsQuery), async (c) => {
    const query = c.req.valid("query");
    const now = deps.now?.() ?? new Date();
    const to = query.to ? new Date(query.to) : now;
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 7 * DAY_MS);
    if (!(from < to)) throw new BadRequest("`from` must be before `to`", "invalid_range");
    if (to.getTime() - from.getTime() > 400 * DAY_MS) throw new BadRequest("range too wide: at most 400 days", "invalid_range");
    const incidents = await deps.store.incidents({ from: from.toISOString(), to: to.toISOString() });
    return c.json({ incidents });
  });
}

export const incidentsDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/v1/incidents",
    summary: "Incidents open at any time in [from, to); default the last 7 days",
    query: IncidentsQuery,
    responses: { 200: "{ incidents: Incident[] }", 400: "Invalid query" },
  },
];
