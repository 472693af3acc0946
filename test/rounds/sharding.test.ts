import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import type { Check } from "@probemesh/core/check";
import { createGuard, LAB_POLICY } from "@probemesh/core/guard";
import { createStore, ensureTable, shardOf, type Store } from "@probemesh/core/store";
import { readVerdicts } from "@probemesh/core/verdict";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import type { ProbeInvocation } from "../../packages/functions/src/invoke/payloads.js";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { runRound, type RoundDeps } from "../../packages/functions/src/rounds/index.js";
import { deps as appDeps } from "../api/helpers.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

/**
 * A region's plan split into several invocations of the real probe function; one invocation
 * fails (as a Lambda that timed out would): the region still answered, the failed shard is
 * reported in the round and on /healthz, and its checks go stale — never down.
 */
describe("sharded rounds", () => {
  const STORE_SHARDS = 8;
  let store: Store;
  const listeners: Server[] = [];
  let checks: Check[] = [];

  beforeAll(async () => {
    const client = dynamoClient();
    const tableName = uniqueTableName("shards");
    await ensureTable(client, tableName, { timeToLive: false });
    store = createStore({ client, tableName, shards: STORE_SHARDS });
    for (let i = 0; i < 4; i++) {
      const server = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => server.listen(0, "0.0.0.0", resolve));
      listeners.push(server);
    }
    // 400 distinct targets: four listeners × 100 loopback addresses (each listener takes 127.0.0.0/8).
    checks = Array.from({ length: 400 }, (_, i) => ({ checkId: `s${i}`, target: `tcp://127.0.1.${1 + (i % 100)}:${(listeners[i % 4]!.address() as AddressInfo).port}` }));
  });
  afterAll(() => listeners.forEach((server) => server.close()));

  it("splits by time, reports a failed invocation, and leaves only its checks stale", async () => {
    // One clock for probes and scheduler, moved by hand between rounds.
    let clock = Date.now();
    const now = () => new Date(clock);
    const probe = createProbeFunction({ store, guard: createGuard(LAB_POLICY), timeoutMs: 2_000, context: () => ({ now }) });
    const invocations: ProbeInvocation[] = [];
    let failing: Set<string> | undefined;
    const base: RoundDeps = {
      store,
      regions: ["eu-west-1"],
      checks: () => checks,
      runProbe: async (invocation) => {
        invocations.push(invocation);
        // The second invocation of the second round "times out".
        if (failing === undefined && invocation.roundId === "r2" && invocations.filter((i) => i.roundId === "r2").length === 2) {
          failing = new Set(invocation.checks.map((c) => c.checkId));
          throw new Error("Task timed out after 55.00 seconds");
        }
        return probe(invocation, { getRemainingTimeInMillis: () => 55_000 });
      },
      roundDeadlineMs: 6_000,
      staleAfterMs: 60_000,
      now,
      // A tiny budget so 400 checks need several invocations.
      sharding: { concurrency: 2, timeoutMs: 2_000, storeShards: STORE_SHARDS, maxChecks: 1_000 },
    };
    const first = await runRound(base, "r1");
    expect(first.regions[0]).toMatchObject({ ok: true, failedShards: 0 });
    const shards = first.regions[0]!.shards;
    expect(shards).toBeGreaterThan(2);
    expect(invocations.every((i) => i.checks.length < 400)).toBe(true);
    // Each store shard's checks went to one invocation.
    for (const invocation of invocations) {
      const owned = new Set(invocation.checks.map((c) => shardOf(c.checkId, STORE_SHARDS)));
      for (const other of invocations.filter((i) => i !== invocation)) expect(other.checks.some((c) => owned.has(shardOf(c.checkId, STORE_SHARDS)))).toBe(false);
    }

    // 61 s later: the first round's results are stale unless the second round renewed them.
    clock += 61_000;
    const later = now();
    const second = await runRound(base, "r2");
    expect(second.regions[0]).toMatchObject({ ok: true, shards, failedShards: 1 });
    expect(second.regions[0]!.error).toMatch(/1 of \d+ invocations failed: Task timed out/);
    expect(failing!.size).toBeGreaterThan(0);

    const reading = readVerdicts(await store.verdicts(), ["eu-west-1"], later, 60_000);
    for (const check of checks) {
      expect(reading.verdictOf(check.checkId).regions["eu-west-1"]).toBe(failing!.has(check.checkId) ? "stale" : "up");
    }
    const app = createApp(appDeps(store, { regions: ["eu-west-1"], checks: () => checks, now: () => later, staleAfterMs: 60_000 }));
    const health = await (await app.request("/healthz")).json();
    expect(health).toMatchObject({ status: "degraded", failedShards: { "eu-west-1": { failed: 1, of: shards } } });
  });
});
