import { describe, expect, it } from "vitest";
import { createStore, ensureTable, StoreInputError } from "../../packages/core/src/store/index.js";
import { dynamoClient, forbidScan, uniqueTableName } from "../support/dynamo.js";
import { manualClock, minutes, result } from "../support/results.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const START = "2025-03-01T22:00:00.000Z";

/** Rounds every 10 minutes: round k at START + 10k min; eu-west-1 fails check b in odd rounds. */
function round(k: number, checks: string[]) {
  const at = new Date(Date.parse(START) + minutes(10 * k)).toISOString();
  return REGIONS.map((region) => ({
    region,
    results: checks.map((checkId) =>
      result({
        checkId,
        region,
        at,
        status: region === "eu-west-1" && checkId === "b" && k % 2 === 1 ? "fail" : "pass",
        durationMs: 10 + k + REGIONS.indexOf(region) * 100,
      }),
    ),
  }));
}

async function setup() {
  const client = forbidScan(dynamoClient());
  const tableName = uniqueTableName("history");
  await ensureTable(client, tableName, { timeToLive: false });
  const clock = manualClock(START);
  const store = createStore({ client, tableName, now: clock.now, closeGraceMs: minutes(5) });
  return { store, clock, client };
}

/** Writes rounds 0..count-1, moving the clock along (as the scheduler would). */
async function writeRounds(setupResult: Awaited<ReturnType<typeof setup>>, count: number) {
  let bucketsClosed = 0;
  for (let k = 0; k < count; k++) {
    setupResult.clock.set(new Date(Date.parse(START) + minutes(10 * k) + 30_000).toISOString());
    // Regions report concurrently, as the real workers do.
    const summaries = await Promise.all(
      round(k, ["a", "b"]).map(({ region, results }) => setupResult.store.writeResults(region, `round-${k}`, results)),
    );
    for (const summary of summaries) bucketsClosed += summary.bucketsClosed;
  }
  return bucketsClosed;
}

describe("history from rollups and raw items", () => {
  it("answers 1h and 1d from closed rollups + the open bucket, matching the raw results", async () => {
    const s = await setup();
    // 22:00 → 01:10 next day: hours 22 and 23 of day 1 close (and day 1 with them), 00 closes, 01 stays open.
    const closed = await writeRounds(s, 20);
    expect(closed).toBeGreaterThanOrEqual(3 * 2); // 3 hours × 2 shards in use at least per region
    const range = { checkId: "b", from: "2025-03-01T00:00:00.000Z", to: "2025-03-03T00:00:00.000Z" };

    const raw = await s.store.history({ ...range, bucket: "raw", region: "eu-west-1" });
    expect(raw).toHaveLength(20);
    expect(raw.filter((b) => b.counts.fail === 1)).toHaveLength(10);

    const hourly = await s.store.history({ ...range, bucket: "1h" });
    expect(hourly.map((b) => `${b.start.slice(11, 13)}/${b.region}`)).toEqual(
      ["22", "23", "00", "01", "02"].flatMap((h) => (h === "02" ? [] : [...REGIONS].sort().map((r) => `${h}/${r}`))),
    );
    const eu = hourly.filter((b) => b.region === "eu-west-1");
    expect(eu.map((b) => b.counts)).toEqual([
      { pass: 3, fail: 3, inconclusive: 0 },
      { pass: 3, fail: 3, inconclusive: 0 },
      { pass: 3, fail: 3, inconclusive: 0 },
      { pass: 1, fail: 1, inconclusive: 0 }, // open hour 01:00-01:10, from raw items
    ]);
    expect(eu[0]!.outcomes).toEqual({ ok: 3, tcp_timeout: 3 });
    // Latency of passes only: rounds 0, 2, 4 in eu-west-1 → 110, 112, 114 ms.
    expect(eu[0]!.latency).toMatchObject({ count: 3, min: 110, max: 114 });

    const daily = await s.store.history({ ...range, bucket: "1d", region: "us-east-1" });
    expect(daily.map((b) => [b.start, b.counts.pass])).toEqual([
      ["2025-03-01T00:00:00.000Z", 12], // closed day: from its day rollup
      ["2025-03-02T00:00:00.000Z", 8], // open day: closed hour 00 + raw of 01:00-01:10
    ]);
    // Merged daily sketch: us-east-1 latencies of day 1 are 10..21 ms.
    expect(daily[0]!.latency).toMatchObject({ count: 12, min: 10, max: 21 });
  });

  it("gives every check's hourly counts in one call, equal to each check's own 1h history, with a request count that does not grow with checks", async () => {
    const s = await setup();
    const closed = await writeRounds(s, 20); // hours 22, 23 and 00 closed (day 1 with them); 01:00-01:10 open
    expect(closed).toBeGreaterThan(0);
    const range = { from: "2025-03-01T23:00:00.000Z", to: "2025-03-02T01:10:00.000Z" };
    const sent: string[] = [];
    s.client.middlewareStack.add((next, context) => async (args) => (sent.push(context.commandName ?? "?"), next(args)), { step: "initialize", name: "countForOverview" });
    const counts = await s.store.hourlyCounts({ regions: REGIONS, ...range });
    const requests = [...sent];
    for (const checkId of ["a", "b"]) {
      const history = await s.store.history({ checkId, ...range, bucket: "1h" });
      const mine = counts.filter((c) => c.checkId === checkId);
      expect(mine.map(({ region, start, counts: c }) => ({ region, start, counts: c }))).toEqual(
        [...history].sort((x, y) => x.region.localeCompare(y.region) || x.start.localeCompare(y.start)).map(({ region, start, counts: c }) => ({ region, start, counts: c })),
      );
    }
    // 23:00 (closed, from the rollup index of day 1), 00:00 (closed, day 2), 01:00 (open, from raw items).
    expect(counts.filter((c) => c.checkId === "b" && c.region === "eu-west-1").map((c) => [c.start.slice(11, 13), c.counts.pass, c.counts.fail])).toEqual([
      ["23", 3, 3],
      ["00", 3, 3],
      ["01", 1, 0], // round 18 (01:00) passed; round 19 (01:10) is not before `to`
    ]);
    // Per region × shard: one GetItem, ≤ 2 rollup-index Queries (two days), ≤ 1 raw Query — whatever the number of checks.
    expect(requests.filter((name) => name !== "GetItemCommand" && name !== "QueryCommand")).toEqual([]);
    expect(requests.filter((name) => name === "GetItemCommand")).toHaveLength(REGIONS.length * 4);
    expect(requests.length).toBeLessThanOrEqual(REGIONS.length * 4 * 4);
    await expect(s.store.hourlyCounts({ regions: REGIONS, from: range.to, to: range.from })).rejects.toThrow(StoreInputError);
  });

  it("leaves rollups unchanged when the same results are delivered again, even under another round id", async () => {
    const s = await setup();
    await writeRounds(s, 14); // 22:00 and 23:00 closed, 00:00-00:30 open
    const query = { checkId: "a", from: "2025-03-01T22:00:00.000Z", to: "2025-03-02T02:00:00.000Z", bucket: "1h" as const };
    const before = await s.store.history(query);
    const dayBefore = await s.store.history({ ...query, bucket: "1d" });
    // Redeliver the whole first hour (already rolled up) and the open minutes, twice, under new round ids.
    for (const attempt of [1, 2]) {
      for (let k = 0; k < 14; k += 3) {
        for (const { region, results } of round(k, ["a", "b"])) {
          await s.store.writeResults(region, `redelivery-${attempt}-${k}`, results);
        }
      }
    }
    expect(await s.store.history(query)).toEqual(before);
    expect(await s.store.history({ ...query, bucket: "1d" })).toEqual(dayBefore);
    const latest = await s.store.latest();
    expect(latest.find((e) => e.checkId === "a" && e.region === "us-east-1")!.consecutivePasses).toBe(14);
  });

  it("re-rolls a closed hour when a late result arrives, counting it once", async () => {
    const s = await setup();
    await writeRounds(s, 8);
    const query = { checkId: "late", from: START, to: "2025-03-01T23:00:00.000Z", bucket: "1h" as const, region: "us-east-1" };
    const late = result({ checkId: "late", region: "us-east-1", at: "2025-03-01T22:15:00.000Z", status: "fail" });
    await s.store.writeResults("us-east-1", "late-1", [late]);
    await s.store.writeResults("us-east-1", "late-2", [late]);
    const [bucket] = await s.store.history(query);
    expect(bucket).toMatchObject({ start: START, counts: { pass: 0, fail: 1, inconclusive: 0 } });
  });

  it("rejects bad input with StoreInputError and writes nothing", async () => {
    const s = await setup();
    const good = result({ checkId: "x", region: "us-east-1", at: START });
    await expect(s.store.writeResults("us-east-1", "r", [good, { ...good, at: "yesterday" }])).rejects.toThrow(StoreInputError);
    await expect(s.store.writeResults("us-east-1", "r", [{ ...good, region: "eu-west-1" }])).rejects.toThrow(/does not match/);
    await expect(s.store.writeResults("us-east-1", "r", [{ ...good, status: "maybe" as never }])).rejects.toThrow(/status/);
    expect(await s.store.latest()).toEqual([]);
    await expect(s.store.history({ checkId: "x", from: START, to: START, bucket: "1h" })).rejects.toThrow(/before/);
    await expect(s.store.history({ checkId: "x", from: "nope", to: START, bucket: "1h" })).rejects.toThrow(StoreInputError);
  });
});
