import { describe, expect, it } from "vitest";
import { createStore, ensureTable, StoreInputError } from "../../packages/core/src/store/index.js";
import { dynamoClient, forbidScan, uniqueTableName } from "../support/dynamo.js";
import { manualClock, result } from "../support/results.js";

async function setup(start = "2025-06-01T12:00:00.000Z") {
  const client = forbidScan(dynamoClient());
  const tableName = uniqueTableName("extras");
  await ensureTable(client, tableName, { timeToLive: false });
  await ensureTable(client, tableName, { timeToLive: false }); // idempotent
  const clock = manualClock(start);
  return { store: createStore({ client, tableName, now: clock.now }), clock };
}

describe("heartbeats, on-demand probes, claims, rate-limit counters", () => {
  it("keeps the newest heartbeat per region", async () => {
    const { store } = await setup();
    await store.recordHeartbeat({ region: "us-east-1", roundId: "r2", at: "2025-06-01T12:02:00.000Z", ok: true, checks: 5 });
    await store.recordHeartbeat({ region: "us-east-1", roundId: "r1", at: "2025-06-01T12:01:00.000Z", ok: true });
    await store.recordHeartbeat({ region: "eu-west-1", roundId: "r2", at: "2025-06-01T12:02:00.000Z", ok: false, error: "timeout" });
    const beats = await store.heartbeats();
    expect(beats.sort((a, b) => a.region.localeCompare(b.region))).toEqual([
      { region: "eu-west-1", roundId: "r2", at: "2025-06-01T12:02:00.000Z", ok: false, error: "timeout" },
      { region: "us-east-1", roundId: "r2", at: "2025-06-01T12:02:00.000Z", ok: true, checks: 5 },
    ]);
  });

  it("collects on-demand probe results per region as they arrive, once each", async () => {
    const { store } = await setup();
    const request = {
      id: "p1",
      targets: ["tcp://db.lab.test:5432"],
      regions: ["us-east-1", "eu-west-1"],
      requestedBy: "slack:U1",
      createdAt: "2025-06-01T12:00:00.000Z",
    };
    await store.createProbe(request);
    expect(await store.getProbe("p1")).toEqual({ ...request, results: [], done: [] });
    const us = result({ checkId: "db", region: "us-east-1", at: "2025-06-01T12:00:01.000Z" });
    await store.addProbeResults("p1", "us-east-1", [us]);
    await store.addProbeResults("p1", "us-east-1", [us]); // redelivered
    expect(await store.getProbe("p1")).toMatchObject({ results: [us], done: ["us-east-1"] });
    const eu = result({ checkId: "db", region: "eu-west-1", at: "2025-06-01T12:00:02.000Z", status: "fail" });
    await store.addProbeResults("p1", "eu-west-1", [eu]);
    expect(await store.getProbe("p1")).toMatchObject({ results: [eu, us], done: ["eu-west-1", "us-east-1"] });
    expect(await store.getProbe("nope")).toBeUndefined();
    await expect(store.addProbeResults("nope", "us-east-1", [us])).rejects.toThrow(StoreInputError);
  });

  it("claims a key once until it expires", async () => {
    const { store, clock } = await setup();
    expect(await store.claimOnce("slack:retry:abc", 60)).toBe(true);
    expect(await store.claimOnce("slack:retry:abc", 60)).toBe(false);
    expect(await store.claimOnce("slack:retry:def", 60)).toBe(true);
    clock.advance(61_000);
    expect(await store.claimOnce("slack:retry:abc", 60)).toBe(true);
  });

  it("counts hits atomically per fixed window", async () => {
    const { store, clock } = await setup("2025-06-01T12:00:00.000Z");
    const counts = await Promise.all(Array.from({ length: 12 }, () => store.hit("token:abc", 60)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await store.hit("token:other", 60)).toBe(1);
    clock.advance(60_000);
    expect(await store.hit("token:abc", 60)).toBe(1);
    await expect(store.hit("token:abc", 0)).rejects.toThrow(StoreInputError);
  });
});
