import { describe, expect, it } from "vitest";
import { sampleResult, syntheticChecks } from "../../packages/core/src/cost/index.js";
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
});
