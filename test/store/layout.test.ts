import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { createStore, ensureTable, probeRows, type LatestEntry } from "../../packages/core/src/store/index.js";
import { dynamoClient, forbidScan, uniqueTableName } from "../support/dynamo.js";
import { manualClock, minutes, result } from "../support/results.js";

const REGIONS = ["us-east-1", "eu-west-1"];
const START = "2025-07-01T09:00:00.000Z";
const CHECKS = Array.from({ length: 40 }, (_, i) => `c${i}`);

async function setup() {
  const client = forbidScan(dynamoClient());
  const tableName = uniqueTableName("layout");
  await ensureTable(client, tableName, { timeToLive: false });
  const clock = manualClock(START);
  const doc = DynamoDBDocumentClient.from(client);
  const storeOf = (shards: number) => createStore({ client, tableName, now: clock.now, shards });
  /** One round of `checks` from every region (c3 fails), with heartbeats. */
  const round = async (store: ReturnType<typeof storeOf>, k: number, checks = CHECKS) => {
    clock.advance(minutes(1));
    const at = clock.now().toISOString();
    for (const region of REGIONS) {
      await store.writeResults(region, `r${k}`, checks.map((checkId) => result({ checkId, region, at, status: checkId === "c3" ? "fail" : "pass" })));
      await store.recordHeartbeat({ region, roundId: `r${k}`, at, ok: true, checks: checks.length });
    }
  };
  const evaluate = (store: ReturnType<typeof storeOf>) => store.evaluate({ now: clock.now(), regions: REGIONS, staleAfterMs: minutes(3) });
  const items = async (pk: string) => (await doc.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk } }))).Items ?? [];
  return { doc, tableName, clock, storeOf, round, evaluate, items };
}

const pairs = (latest: LatestEntry[]) => latest.map((e) => `${e.checkId}@${e.region}`);
/** In the store's order: by check id, then region (localeCompare). */
const SORTED = [...CHECKS].sort((a, b) => a.localeCompare(b));
const everyPair = SORTED.flatMap((c) => [...REGIONS].sort((a, b) => a.localeCompare(b)).map((r) => `${c}@${r}`));

describe("store layout: each state and verdict shard under its own partition key", () => {
  it("writes region state to STATE#{region}#{shard} and the verdict model to VERDICT#{shard}, one item per key", async () => {
    const { storeOf, round, evaluate, items } = await setup();
    const store = storeOf(4);
    await round(store, 1);
    await evaluate(store);
    for (const region of REGIONS) {
      for (let shard = 0; shard < 4; shard++) expect((await items(`STATE#${region}#${shard}`)).map((i) => i.sk)).toEqual(["STATE"]);
      // The region's own key keeps only the hourly close markers.
      expect((await items(`STATE#${region}`)).map((i) => i.sk)).toEqual(["CLOSED#0", "CLOSED#1", "CLOSED#2", "CLOSED#3"]);
    }
    for (let shard = 0; shard < 4; shard++) expect((await items(`VERDICT#${shard}`)).map((i) => i.sk)).toEqual(["VERDICT"]);
    expect((await items("VERDICT")).map((i) => [i.sk, i.shards])).toEqual([["META", 4]]);
    expect((await items("REGIONS")).map((i) => [i.sk, [...(i.shards as Set<number>)]])).toEqual(REGIONS.map((r) => [r, [4]]).sort());
  });

  it("after a shard count change (4 → 8 → 3) reads every check from the old items until rewritten, newest entry winning, and keeps verdicts' since", async () => {
    const { storeOf, round, evaluate } = await setup();
    const four = storeOf(4);
    await round(four, 1);
    await round(four, 2);
    const first = await evaluate(four);
    expect(first.verdicts.map((v) => v.checkId)).toEqual(SORTED);
    const since = Object.fromEntries(first.verdicts.map((v) => [v.checkId, v.since]));

    const eight = storeOf(8);
    // Nothing written under 8 shards yet: the 4-shard items still answer, for readers and for the shard-by-shard evaluation.
    expect(pairs(await eight.latest())).toEqual(everyPair);
    const judged = await eight.evaluate({ now: new Date(Date.parse(START) + minutes(2)), regions: REGIONS, staleAfterMs: minutes(3) });
    expect(judged.verdicts.map((v) => [v.checkId, v.verdict, v.since])).toEqual(first.verdicts.map((v) => [v.checkId, v.verdict, since[v.checkId]]));

    // Half the checks report under 8 shards: their new entries win over the old ones, the rest still read from the old items.
    const moved = CHECKS.slice(0, 20);
    await round(eight, 3, moved);
    const latest = await eight.latest();
    expect(pairs(latest)).toEqual(everyPair);
    const third = new Date(Date.parse(START) + minutes(3)).toISOString();
    for (const entry of latest) expect(entry.result.at).toBe(moved.includes(entry.checkId) ? third : new Date(Date.parse(START) + minutes(2)).toISOString());

    const three = storeOf(3);
    const after = await three.evaluate({ now: new Date(Date.parse(third) + 1000), regions: REGIONS, staleAfterMs: minutes(3) });
    expect(after.verdicts.map((v) => v.checkId)).toEqual(SORTED);
    expect(after.verdicts.find((v) => v.checkId === "c3")).toMatchObject({ verdict: "down" });
    expect(after.verdicts.filter((v) => v.checkId !== "c3").every((v) => v.verdict === "up" && v.since === since[v.checkId])).toBe(true);
    expect(Object.keys((await three.verdicts())!.checks).sort()).toEqual(SORTED);
    expect(after.opened).toEqual([]);
    expect(after.resolved).toEqual([]);
  });

  it("carries state, counters and the verdict model over from the layout before the key change", async () => {
    const { doc, tableName, storeOf, round, evaluate, items } = await setup();
    const store = storeOf(4);
    await round(store, 1);
    await round(store, 2);
    const before = await evaluate(store);
    const snapshot = await store.snapshot();
    // Rewrite the table as the previous release left it: every shard under STATE#{region} / SHARD#n, the
    // verdict shards under VERDICT / SHARD#n, a meta item and region records without shard counts.
    const put = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: tableName, Item }));
    const drop = (pk: string, sk: string) => doc.send(new DeleteCommand({ TableName: tableName, Key: { pk, sk } }));
    for (const region of REGIONS) {
      await put({ pk: "REGIONS", sk: region });
      for (let shard = 0; shard < 4; shard++) {
        const [item] = await items(`STATE#${region}#${shard}`);
        await put({ ...item, pk: `STATE#${region}`, sk: `SHARD#${shard}` });
        await drop(`STATE#${region}#${shard}`, "STATE");
      }
    }
    for (let shard = 0; shard < 4; shard++) {
      const [item] = await items(`VERDICT#${shard}`);
      await put({ ...item, pk: "VERDICT", sk: `SHARD#${shard}` });
      await drop(`VERDICT#${shard}`, "VERDICT");
    }
    const [meta] = await items("VERDICT");
    const { shards: _, ...oldMeta } = meta!;
    await put(oldMeta);

    const upgraded = storeOf(4);
    expect(await upgraded.snapshot()).toEqual(snapshot);
    expect((await upgraded.verdicts())!.checks).toEqual((await store.verdicts())!.checks);

    await round(upgraded, 3);
    const after = await evaluate(upgraded);
    expect(after.verdicts.map((v) => [v.checkId, v.verdict, v.since])).toEqual(before.verdicts.map((v) => [v.checkId, v.verdict, v.since]));
    // Counters kept growing from the old items: three rounds of 40 checks per region.
    const { counters, latest } = await upgraded.snapshot();
    expect(counters.map((c) => probeRows(c).reduce((n, row) => n + row.count, 0))).toEqual([120, 120]);
    expect(latest.find((e) => e.checkId === "c3")).toMatchObject({ state: "down", consecutiveFailures: 3 });
    for (const region of REGIONS) for (let shard = 0; shard < 4; shard++) expect(await items(`STATE#${region}#${shard}`)).toHaveLength(1);
    expect((await items("VERDICT")).find((i) => i.sk === "META")).toMatchObject({ shards: 4 });
  });
});
