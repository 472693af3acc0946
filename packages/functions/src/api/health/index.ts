import { Hono } from "hono";
import { agentSilences } from "../../deadman/agents.js";
import { deadmanState } from "../../deadman/index.js";
import type { AppDeps } from "../deps.js";
import * as v from "valibot";
import { documented } from "../openapi/index.js";
import { Timestamp, type Body } from "../openapi/schemas.js";

export const HealthBody = v.pipe(
  v.object({
    status: v.pipe(v.picklist(["ok", "degraded", "unavailable"]), v.description("degraded: some region's last round lost invocations")),
    failing: v.optional(v.array(v.literal("store"))),
    store: v.object({ reachable: v.boolean(), latencyMs: v.number(), error: v.optional(v.string()) }),
    lastRoundAt: v.nullable(Timestamp),
    failedShards: v.record(v.string(), v.object({ failed: v.number(), of: v.number(), error: v.nullable(v.string()) })),
    spool: v.object({
      depth: v.pipe(v.nullable(v.number()), v.description("Result batches waiting in the spools (kept while the store was away)")),
      byRegion: v.nullable(v.record(v.string(), v.number())),
      error: v.optional(v.string()),
    }),
    deadMansSwitch: v.optional(v.object({ tripped: v.boolean(), lastRoundAt: v.nullable(Timestamp), limitS: v.number() })),
    silentAgents: v.optional(
      v.pipe(
        v.array(v.object({ region: v.string(), lastRoundAt: Timestamp, limitS: v.number() })),
        v.description("Agent locations without a heartbeat for more than 3 of their intervals (each alerted once)"),
      ),
    ),
    alerts: v.object({
      destinations: v.array(v.string()),
      problems: v.array(v.string()),
      deliveries: v.pipe(
        v.nullable(
          v.array(
            v.object({ destination: v.string(), at: Timestamp, ok: v.boolean(), event: v.string(), attempts: v.optional(v.number()), error: v.optional(v.string()) }),
          ),
        ),
        v.description("The latest delivery per destination (null: the store did not answer)"),
      ),
      failing: v.pipe(v.array(v.string()), v.description("Destinations whose latest delivery failed")),
    }),
  }),
  v.metadata({ ref: "Health" }),
);

/** A store that does not answer within this is reported unreachable. */
const STORE_PROBE_MS = 2_000;

/**
 * Health that tells the truth: 503 with the failing dependency while the store is unreachable;
 * otherwise 200 with the last round's time, whether the store answered and how many result
 * batches wait in the spools (kept while the store was away, delivered when it is back).
 */
export function healthRoutes(deps: AppDeps) {
  return new Hono().get("/healthz", HEALTH_DOC, async (c) => {
    const started = Date.now();
    const [store, spool, deliveries] = await Promise.all([
      within(STORE_PROBE_MS, deps.store.heartbeats()).then(
        (heartbeats) => ({ reachable: true as const, latencyMs: Date.now() - started, heartbeats }),
        (error: Error) => ({ reachable: false as const, latencyMs: Date.now() - started, error: error.message.slice(0, 300) }),
      ),
      (deps.spoolDepth?.() ?? Promise.resolve({})).catch((error: Error) => ({ error: error.message.slice(0, 300) })),
      within(STORE_PROBE_MS, deps.store.alertDeliveries()).catch(() => null),
    ]);
    const lastRoundAt = store.reachable ? store.heartbeats.map((h) => h.at).sort().at(-1) ?? null : null;
    const failedShards = store.reachable
      ? Object.fromEntries(store.heartbeats.filter((h) => (h.failedShards ?? 0) > 0 || !h.ok).map((h) => [h.region, { failed: h.failedShards ?? h.shards ?? 1, of: h.shards ?? 1, error: h.error ?? null }]))
      : {};
    const depth = "error" in spool ? null : Object.values(spool as Record<string, number>).reduce((a, b) => a + b, 0);
    const body: Body<typeof HealthBody> = {
      // Degraded: some region's last round lost invocations (those checks go stale).
      status: !store.reachable ? "unavailable" : Object.keys(failedShards).length > 0 ? "degraded" : "ok",
      ...(store.reachable ? {} : { failing: ["store"] }),
      store: store.reachable ? { reachable: true, latencyMs: store.latencyMs } : { reachable: false, latencyMs: store.latencyMs, error: store.error },
      lastRoundAt,
      failedShards,
      spool: { depth, byRegion: "error" in spool ? null : spool, ...("error" in spool ? { error: spool.error } : {}) },
      ...(store.reachable && deps.intervalS
        ? { deadMansSwitch: deadmanState(store.heartbeats, deps.regions, deps.now?.() ?? new Date(), deps.intervalS, deps.startedAt ?? new Date(0)) }
        : {}),
      ...(store.reachable ? { silentAgents: silentNow(store.heartbeats, deps.now?.() ?? new Date()) } : {}),
      alerts: {
        destinations: deps.alertDestinations ?? [],
        problems: deps.alertProblems ?? [],
        // The latest delivery per destination; `failing` names those whose latest delivery failed.
        deliveries,
        failing: (deliveries ?? []).filter((d) => !d.ok).map((d) => d.destination),
      },
    };
    return c.json(body, store.reachable ? 200 : 503);
  });
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error)),
    );
  });
}

const HEALTH_DOC = documented({
  operationId: "getHealth",
  summary: "Health: the store reachable, the last round's time, spool depth, the dead man's switch, alert delivery",
  tag: "health",
  security: "public",
  ok: { status: 200, description: "The store answered (status ok or degraded)", schema: HealthBody },
  other: { 503: { description: "The store is unreachable (status unavailable, failing: [store])", schema: HealthBody } },
});

function silentNow(heartbeats: Parameters<typeof agentSilences>[0], now: Date) {
  return agentSilences(heartbeats, now).filter((s) => s.silent).map(({ region, lastRoundAt, limitS }) => ({ region, lastRoundAt, limitS }));
}
