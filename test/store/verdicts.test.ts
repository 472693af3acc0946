import { describe, expect, it } from "vitest";
import type { Status } from "../../packages/core/src/result/index.js";
import { createStore, ensureTable } from "../../packages/core/src/store/index.js";
import { dynamoClient, forbidScan, uniqueTableName } from "../support/dynamo.js";
import { manualClock, minutes, result } from "../support/results.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const START = "2025-05-10T08:00:00.000Z";

async function setup() {
  const client = forbidScan(dynamoClient());
  const tableName = uniqueTableName("verdicts");
  await ensureTable(client, tableName, { timeToLive: false });
  const clock = manualClock(START);
  const store = createStore({ client, tableName, now: clock.now });
  let k = 0;
  /** One round: every region reports check "api" with the given status (undefined = region silent). */
  const round = async (statuses: Partial<Record<string, Status>>) => {
    clock.advance(minutes(1));
    const at = clock.now().toISOString();
    k++;
    await Promise.all(
      Object.entries(statuses).map(async ([region, status]) => {
        await store.writeResults(region, `r${k}`, [result({ checkId: "api", region, at, status })]);
        await store.recordHeartbeat({ region, roundId: `r${k}`, at, ok: true, checks: 1 });
      }),
    );
    return store.evaluate({ now: clock.now(), regions: REGIONS, staleAfterMs: minutes(3) });
  };
  return { store, clock, round };
}

const all = (status: Status) => Object.fromEntries(REGIONS.map((r) => [r, status]));

describe("evaluate: verdicts and incidents", () => {
  it("opens an incident after the failure threshold, widens it to down at quorum, resolves after recovery", async () => {
    const { store, round } = await setup();
    expect((await round(all("pass"))).verdicts[0]).toMatchObject({ checkId: "api", verdict: "up" });

    const oneFail = { ...all("pass"), "eu-west-1": "fail" as const };
    const first = await round(oneFail); // one lost packet: no flap
    expect(first.verdicts[0]!.verdict).toBe("up");
    expect(first.opened).toEqual([]);
    const second = await round(oneFail);
    expect(second.verdicts[0]).toMatchObject({ verdict: "degraded", regions: { "eu-west-1": "down", "us-east-1": "up" } });
    expect(second.opened).toHaveLength(1);
    const incidentId = second.opened[0]!.id;

    const twoFail = { ...oneFail, "us-east-1": "fail" as const };
    await round(twoFail);
    const down = await round(twoFail);
    expect(down.verdicts[0]!.verdict).toBe("down");
    expect(down.opened).toEqual([]);

    await round(all("pass"));
    const recovered = await round(all("pass"));
    expect(recovered.verdicts[0]!.verdict).toBe("up");
    expect(recovered.resolved).toEqual([
      expect.objectContaining({ id: incidentId, verdict: "down", regions: ["eu-west-1", "us-east-1"], outcomes: { tcp_timeout: 2 } }),
    ]);

    const incidents = await store.incidents({ from: START, to: "2025-05-10T09:00:00.000Z" });
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: incidentId, openedAt: "2025-05-10T08:03:00.000Z", resolvedAt: "2025-05-10T08:07:00.000Z" });
    expect(await store.incidents({ from: "2025-05-10T08:08:00.000Z", to: "2025-05-10T09:00:00.000Z" })).toEqual([]);
    expect(await store.incidents({ from: "2025-05-10T08:05:00.000Z", to: "2025-05-10T08:06:00.000Z" })).toHaveLength(1);
  });

  it("treats silent regions as stale (unknown), never as down, and keeps an open incident open", async () => {
    const { store, clock, round } = await setup();
    // Thresholds apply from the first result: a new check's first failure opens nothing.
    const first = await round({ "us-east-1": "fail", "eu-west-1": "fail", "ap-southeast-2": "pass" });
    expect(first.verdicts[0]).toMatchObject({ verdict: "unknown", regions: { "us-east-1": "unknown", "eu-west-1": "unknown", "ap-southeast-2": "up" } });
    expect(first.opened).toEqual([]);
    // The second failure in a row: two regions down at once, quorum reached.
    const opened = await round({ "us-east-1": "fail", "eu-west-1": "fail", "ap-southeast-2": "pass" });
    expect(opened.verdicts[0]!.verdict).toBe("down");
    expect(opened.opened).toHaveLength(1);
    expect((await round({ "us-east-1": "fail", "eu-west-1": "fail", "ap-southeast-2": "pass" })).opened).toEqual([]);

    clock.advance(minutes(10)); // every region falls silent
    const silent = await store.evaluate({ now: clock.now(), regions: REGIONS, staleAfterMs: minutes(3) });
    expect(silent.verdicts[0]).toMatchObject({
      verdict: "unknown",
      regions: { "us-east-1": "stale", "eu-west-1": "stale", "ap-southeast-2": "stale" },
    });
    expect(silent.resolved).toEqual([]);
    const stillOpen = await store.incidents({ from: clock.now().toISOString(), to: new Date(clock.now().getTime() + 1000).toISOString() });
    expect(stillOpen).toHaveLength(1);
    expect(stillOpen[0]!.resolvedAt).toBeUndefined();

    // Only one region comes back, still failing (its state stayed down): a lone fresh failure is degraded, not down.
    const lone = await round({ "eu-west-1": "fail" });
    expect(lone.verdicts[0]).toMatchObject({ verdict: "degraded", regions: { "us-east-1": "stale", "eu-west-1": "down" } });
  });

  it("honours a custom quorum and reports since when the verdict holds", async () => {
    const { store, clock, round } = await setup();
    await round({ ...all("pass"), "eu-west-1": "fail" });
    await round({ ...all("pass"), "eu-west-1": "fail" });
    const strict = await store.evaluate({ now: clock.now(), regions: REGIONS, quorum: 1, staleAfterMs: minutes(3) });
    expect(strict.verdicts[0]!.verdict).toBe("down");
    const since = strict.verdicts[0]!.since;
    clock.advance(30_000);
    const again = await store.evaluate({ now: clock.now(), regions: REGIONS, quorum: 1, staleAfterMs: minutes(3) });
    expect(again.verdicts[0]).toMatchObject({ verdict: "down", since });
    expect(again.opened).toEqual([]);
  });
});
