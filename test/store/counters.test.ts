import { describe, expect, it } from "vitest";
import { createStore, ensureTable, probeRows } from "../../packages/core/src/store/index.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";
import { result } from "../support/results.js";

const REGION = "eu-west-1";
const at = (minute: number) => new Date(Date.parse("2025-06-01T10:00:00.000Z") + minute * 60_000).toISOString();

describe("the store's probe counters (what /metrics' counters and histogram come from)", () => {
  it("count every stored result once by kind and outcome, across shards and rounds; a redelivered batch adds nothing", async () => {
    const client = dynamoClient();
    const tableName = uniqueTableName("counters");
    await ensureTable(client, tableName, { timeToLive: false });
    const store = createStore({ client, tableName, shards: 4 });
    const round = (minute: number) =>
      Array.from({ length: 40 }, (_, i) =>
        result({
          checkId: `c${i}`,
          region: REGION,
          at: at(minute),
          ...(i % 4 === 0 ? { status: "fail", outcome: "tcp_refused", durationMs: 3 } : {}),
          ...(i % 5 === 1 ? { kind: "tls", target: `tls://c${i}.lab.test:443`, durationMs: 700 } : {}),
        }),
      );
    await store.writeResults(REGION, "r1", round(0));
    await store.writeResults(REGION, "r2", round(1));
    await store.writeResults(REGION, "r2", round(1)); // the spool's redelivery of the same batch
    await store.writeResults(REGION, "r1-late", round(0)); // an older round arriving late: already counted

    const { counters, latest } = await store.snapshot();
    expect(latest).toHaveLength(40);
    expect(counters.map((c) => c.region)).toEqual([REGION]);
    const [region] = counters;
    // Per round: 8 tls (i % 5 === 1; 16 and 36 of them refused), 10 refused in all (i % 4 === 0), so tcp: 24 ok, 8 refused.
    expect(probeRows(region!)).toEqual([
      { kind: "tcp", outcome: "ok", count: 48 },
      { kind: "tcp", outcome: "tcp_refused", count: 16 },
      { kind: "tls", outcome: "ok", count: 12 },
      { kind: "tls", outcome: "tcp_refused", count: 4 },
    ]);
    // Buckets are per kind and not cumulative: tcp refused 3 ms (≤ 5 ms), ok 25 ms (≤ 25 ms); every tls 700 ms (≤ 1 s).
    expect(region!.buckets.tcp).toEqual([16, 0, 48, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(region!.buckets.tls).toEqual([0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0]);
    expect(region!.seconds.tcp).toBeCloseTo(16 * 0.003 + 48 * 0.025, 6);
    expect(latest.find((e) => e.checkId === "c1")?.lastPassAt).toBe(at(1));
    expect(latest.find((e) => e.checkId === "c0")?.lastPassAt).toBeUndefined();
    client.destroy();
  });
});
