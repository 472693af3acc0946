import { createHash, timingSafeEqual } from "node:crypto";
import { AgentHeartbeatSchema, AgentPlanSchema, agentRegion, LocationNameSchema, MAX_BATCH_BYTES, ResultBatchSchema } from "@probemesh/core/agent";
import type { Check } from "@probemesh/core/check";
import type { ProbeResult } from "@probemesh/core/result";
import type { Store } from "@probemesh/core/store";
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { Forbidden, PayloadTooLarge, Unauthorized } from "../errors/index.js";
import { documented, type RouteSpec } from "../openapi/index.js";
import { CheckSchema, Timestamp, type Body } from "../openapi/schemas.js";
import { validate } from "../validate.js";

/** What the agent routes need; `appDepsOf` wires it from the composition root. */
export interface AgentDeps {
  store: Pick<Store, "writeResults" | "recordHeartbeat" | "heartbeats" | "claimOnce">;
  /** Location → its token (PROBEMESH_AGENT_TOKENS); empty = every agent request refused. */
  tokens: Record<string, string>;
  /** The checks one location probes. */
  planFor(location: string): Check[];
  /** Probe interval handed to agents: the location's own (profile section) or the deployment's. */
  intervalS: number;
  intervalOf?: (location: string) => number | undefined;
  /** Extra plan fields for a location (the lab hands its network description to agents). */
  planExtras?: (location: string) => Record<string, unknown> | undefined;
  now?: () => Date;
}

const HEARTBEAT_BODY_BYTES = 4 * 1024;
/** A delivered batch is remembered this long, so a redelivery is reported as a duplicate. */
const BATCH_MEMORY_S = 7 * 24 * 3600;

const LocationParams = v.strictObject({ location: LocationNameSchema });

/** The plan an agent downloads: the shape `probemesh agent` checks it against, with whole checks. */
export const PlanBody = v.object({ ...AgentPlanSchema.entries, checks: v.array(CheckSchema) });

export const BatchAcceptedBody = v.object({
  region: v.string(),
  roundId: v.string(),
  accepted: v.pipe(v.number(), v.description("Results stored (duplicates inside the batch dropped)")),
  duplicate: v.pipe(v.boolean(), v.description("This batch was delivered before (nothing is stored twice)")),
});
export const HeartbeatAcceptedBody = v.object({ region: v.string(), at: v.pipe(Timestamp, v.description("The API's clock: when the location was last heard from")) });

const AGENT_ERRORS = {
  400: "Invalid location, body or result",
  401: "Missing or unknown agent token",
  403: "Agents disabled, or the token belongs to another location (nothing stored)",
} as const;

const agentDoc = (spec: Pick<RouteSpec, "operationId" | "summary" | "ok" | "errors">) =>
  documented({ ...spec, tag: "agents", security: "agentToken", errors: { ...AGENT_ERRORS, ...spec.errors } });

/**
 * Agent routes: an agent (`probemesh agent`) downloads its location's plan, uploads result
 * batches and heartbeats. Its token is scoped to its location: another location's token is 403,
 * a missing or unknown one 401, and nothing is stored for either.
 */
export function agentsRoutes(deps: AgentDeps) {
  return new Hono<{ Variables: { location: string } }>()
    .get(
      "/v1/agents/:location/plan",
      agentDoc({
        operationId: "getAgentPlan",
        summary: "The checks an agent location probes and its interval (agent token of that location)",
        ok: { status: 200, description: "The location's plan", schema: PlanBody },
      }),
      validate("param", LocationParams),
      requireAgentToken(deps.tokens),
      (c) => {
        const location = c.get("location");
        const plan: Body<typeof PlanBody> = { location, region: agentRegion(location), intervalS: deps.intervalOf?.(location) ?? deps.intervalS, checks: deps.planFor(location), ...deps.planExtras?.(location) };
        return c.json(plan);
      },
    )
    .post(
      "/v1/agents/:location/results",
      agentDoc({
        operationId: "postAgentResults",
        summary: "One batch of an agent round's results; idempotent by round id (a redelivery stores nothing twice)",
        ok: { status: 200, description: "The batch is stored", schema: BatchAcceptedBody },
        errors: { 413: "Body over 2 MiB", 415: true, 503: true },
      }),
      validate("param", LocationParams),
      requireAgentToken(deps.tokens),
      capped(MAX_BATCH_BYTES),
      validate("json", ResultBatchSchema),
      async (c) => {
        const location = c.get("location");
        const region = agentRegion(location);
        const batch = c.req.valid("json");
        const foreign = batch.results.find((result) => result.region !== region);
        if (foreign) throw new Forbidden(`result ${foreign.checkId} is for region ${JSON.stringify(foreign.region)}; this token writes only ${region}`, "wrong_location");
        // Raw items are keyed by round id and content, region state ignores what it has seen:
        // a redelivered batch changes nothing. The claim only tells the agent it was one.
        const results = batch.results as unknown as ProbeResult[];
        const summary = await deps.store.writeResults(region, batch.roundId, results);
        const digest = createHash("sha256").update(results.map((r) => `${r.checkId}|${r.at}`).join("\n")).digest("base64url").slice(0, 16);
        const first = await deps.store.claimOnce(`agent-batch#${region}#${batch.roundId}#${digest}`, BATCH_MEMORY_S);
        const body: Body<typeof BatchAcceptedBody> = { region, roundId: batch.roundId, accepted: summary.written, duplicate: !first };
        return c.json(body);
      },
    )
    .post(
      "/v1/agents/:location/heartbeat",
      agentDoc({
        operationId: "postAgentHeartbeat",
        summary: "The agent is alive: its latest round, interval, buffered and dropped batches (the API's clock stamps it)",
        ok: { status: 200, description: "The heartbeat is stored", schema: HeartbeatAcceptedBody },
        errors: { 413: "Body over 4 KiB", 415: true, 503: true },
      }),
      validate("param", LocationParams),
      requireAgentToken(deps.tokens),
      capped(HEARTBEAT_BODY_BYTES),
      validate("json", AgentHeartbeatSchema),
      async (c) => {
        const location = c.get("location");
        const body = c.req.valid("json");
        // The API's clock, not the agent's, says when the location was last heard from.
        const at = (deps.now?.() ?? new Date()).toISOString();
        // The one before, kept in this one: how the scheduler tells that a silent location is back (deadman/agents.ts).
        const previousAt = (await deps.store.heartbeats()).find((h) => h.region === agentRegion(location))?.at;
        await deps.store.recordHeartbeat({
          region: agentRegion(location),
          roundId: body.roundId ?? at,
          at,
          ...(previousAt ? { previousAt } : {}),
          ok: body.ok,
          intervalS: body.intervalS,
          ...(body.error ? { error: body.error } : {}),
          ...(body.checks !== undefined ? { checks: body.checks } : {}),
          ...(body.buffered !== undefined ? { buffered: body.buffered } : {}),
          ...(body.dropped !== undefined ? { dropped: body.dropped } : {}),
        });
        const accepted: Body<typeof HeartbeatAcceptedBody> = { region: agentRegion(location), at };
        return c.json(accepted);
      },
    );
}

/**
 * The bearer token must be the `:location`'s own. With no agent token configured every agent
 * request is refused (403); a missing or unknown token is 401, another location's token 403.
 */
export function requireAgentToken(tokens: Record<string, string>): MiddlewareHandler<{ Variables: { location: string } }> {
  const known = Object.entries(tokens).map(([location, token]) => ({ location, digest: digest(token) }));
  return async (c, next) => {
    if (known.length === 0) throw new Forbidden("agents are disabled: no agent token is configured (PROBEMESH_AGENT_TOKENS)", "agents_disabled");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    if (!match) throw new Unauthorized("missing bearer token (Authorization: Bearer <agent token>)");
    const presented = digest(match[1]!);
    // Compare against every token (no early exit), so timing says nothing about which matched.
    let owner: string | undefined;
    for (const entry of known) if (timingSafeEqual(entry.digest, presented)) owner = entry.location;
    if (owner === undefined) throw new Unauthorized("unknown agent token");
    const location = c.req.param("location");
    if (owner !== location) throw new Forbidden(`this token belongs to another location, not ${location}`, "wrong_location");
    c.set("location", location);
    await next();
  };
}

function capped(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new PayloadTooLarge(maxSize);
    },
  });
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
