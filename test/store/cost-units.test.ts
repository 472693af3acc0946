import { describe, expect, it } from "vitest";
import { estimateCost, sampleResult, syntheticChecks } from "../../packages/core/src/cost/index.js";
import { createStore, ensureTable, itemBytes, readUnitsOf, roundItems, writeUnitsOf } from "../../packages/core/src/store/index.js";
import { meter } from "../../bench/lib/capacity.js";
import { dynamoClient, forbidScan, uniqueTableName } from "../support/dynamo.js";
import { manualClock, minutes } from "../support/results.js";

const REGION = "us-east-1";
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe("the cost estimate's write units are the ones DynamoDB reports", () => {
  it.each([100, 1000])("a steady round of %i results: raw items and state puts, units as DynamoDB Local counts them", async (count) => {
    const client = forbidScan(dynamoClient());
    const capacity = meter(client);
    const tableName = uniqueTableName("cost-units");
    await ensureTable(client, tableName, { timeToLive: false });
    const clock = manualClock("2025-05-10T08:10:00.000Z");
    const store = createStore({ client, tableName, now: clock.now });
    const checks = syntheticChecks(count);
    const round = (k: number) => checks.map((check, i) => sampleResult(check, REGION, clock.now().toISOString(), k, i));

    await store.writeResults(REGION, "r1", round(1)); // registers the region and the shards' closed markers
    clock.advance(minutes(1));
    const second = round(2);
    const estimate = roundItems({ region: REGION, roundId: "r2", results: second });
    capacity.reset();
    await store.writeResults(REGION, "r2", second);
    const reported = capacity.snapshot();

    const rawUnits = sum(estimate.raw.map((item) => writeUnitsOf(itemBytes(item))));
    const stateUnits = sum(estimate.state.map((item) => writeUnitsOf(itemBytes(item))));
    expect(rawUnits + stateUnits).toBeGreaterThan(0);
    expect(reported.write).toBe(rawUnits + stateUnits);
    // Each state shard is read strongly before its put: the previous round's item, sized like this one's.
    expect(reported.read).toBeCloseTo(sum(estimate.state.map((item) => readUnitsOf(itemBytes(item), true))), 5);
    client.destroy();
  });

  it("a steady round of 3 regions × 1,000 checks (writes, heartbeats, evaluation): the estimate's units per round", { timeout: 60_000 }, async () => {
    const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    const client = forbidScan(dynamoClient());
    const capacity = meter(client);
    const tableName = uniqueTableName("cost-round");
    await ensureTable(client, tableName, { timeToLive: false });
    const clock = manualClock("2025-05-10T08:10:00.000Z");
    const store = createStore({ client, tableName, now: clock.now });
    const checks = syntheticChecks(1000);
    const round = async (k: number) => {
      clock.advance(15_000);
      const at = clock.now().toISOString();
      for (const region of regions) await store.writeResults(region, `r${k}`, checks.map((check, i) => sampleResult(check, region, at, k, i)));
      for (const region of regions) await store.recordHeartbeat({ region, roundId: `r${k}`, at, ok: true, checks: checks.length });
      await store.evaluate({ now: clock.now(), regions, staleAfterMs: minutes(3) });
    };
    await round(1); // creates state, closed markers and every verdict shard
    capacity.reset();
    await round(2);
    const reported = capacity.snapshot();
    const { unitsPerRound } = estimateCost({ checks, checksPerRound: checks.length, regions: regions.length, intervalS: 15 });
    expect(reported.write / unitsPerRound.write).toBeGreaterThan(0.97);
    expect(reported.write / unitsPerRound.write).toBeLessThan(1.03);
    expect(reported.read / unitsPerRound.read).toBeGreaterThan(0.95);
    expect(reported.read / unitsPerRound.read).toBeLessThan(1.05);
    client.destroy();
  });
});
