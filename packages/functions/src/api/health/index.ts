import { Hono } from "hono";
import { deadmanState } from "../../deadman/index.js";
import type { AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** A store that does not answer within this is reported unreachable. */
const STORE_PROBE_MS = 2_000;

/**
 * Health that tells the truth: 503 with the failing dependency while the store is unreachable;
 * otherwise 200 with the last round's time, whether the store answered and how many result
 * batches wait in the spools (kept while the store was away, delivered when it is back).
 */
export function healthRoutes(deps: AppDeps): Hono {
  return new Hono().get("/healthz", async (c) => {
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
    const body = {
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

export const healthDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Health: the store reachable, the last round's time, spool depth, the dead man's switch, alert delivery",
    responses: {
      200: "{ status: ok | degraded, store: { reachable, latencyMs }, lastRoundAt, failedShards: { [region]: { failed, of, error } }, spool: { depth, byRegion }, deadMansSwitch: { tripped, lastRoundAt, limitS }, alerts: { destinations, problems, deliveries, failing } }",
      503: "{ status: unavailable, failing: [store], … }",
    },
  },
];
