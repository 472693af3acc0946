import { describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { deps, freshStore, REGIONS, result } from "./helpers.js";

const T0 = Date.parse("2026-03-02T10:20:00.000Z");
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

describe("GET /v1/overview and GET /v1/rounds/latest on a real store (DynamoDB Local)", () => {
  it("gives every check's last 24 h per region on one hourly grid, and the round marker moves when a round is evaluated", async () => {
    let now = new Date(T0);
    const store = await freshStore(() => now);
    const app = createApp(deps(store, { now: () => now }));
    expect(await (await app.request("/v1/rounds/latest")).json()).toEqual({ evaluatedAt: null });

    // Rounds at 10:20 and 11:20 (so 10:00 is closed and rolled up), the last at 11:21.
    for (const offset of [0, 3600, 3660]) {
      now = new Date(T0 + offset * 1000 + 5000);
      for (const region of REGIONS) {
        await store.writeResults(region, `r${offset}`, [result("kong-cp", region, iso(offset), region !== "eu-west-1"), result("sdm-app", region, iso(offset), true)]);
        await store.recordHeartbeat({ region, roundId: `r${offset}`, at: now.toISOString(), ok: true, checks: 2 });
      }
      await store.evaluate({ now, regions: REGIONS, staleAfterMs: 150_000 });
    }
    const marker = await app.request("/v1/rounds/latest");
    expect(marker.headers.get("cache-control")).toBe("no-store");
    expect(await marker.json()).toEqual({ evaluatedAt: now.toISOString() });

    const res = await app.request("/v1/overview");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ window: "24h", bucket: "1h", regions: REGIONS, evaluatedAt: now.toISOString() });
    expect(body.hours).toHaveLength(24);
    expect(body.hours.at(-1)).toBe("2026-03-02T11:00:00.000Z");
    expect(body.checks.map((c: { checkId: string }) => c.checkId).sort()).toEqual(["kong-cp", "sdm-app"]);
    const kong = body.checks.find((c: { checkId: string }) => c.checkId === "kong-cp").regions;
    // 10:00 from the closed hourly rollup, 11:00 from the open hour's raw items; earlier hours ran nothing.
    expect(kong["eu-west-1"].slice(-3)).toEqual([null, [0, 1, 0], [0, 2, 0]]);
    expect(kong["us-east-1"].slice(-2)).toEqual([[1, 0, 0], [2, 0, 0]]);
    expect(kong["us-east-1"].slice(0, 22).every((cell: unknown) => cell === null)).toBe(true);

    expect((await (await app.request("/v1/overview?window=7d")).json()).hours).toHaveLength(168);
    const bad = await app.request("/v1/overview?window=1y");
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "invalid_request", message: expect.stringContaining("window") });
    expect((await app.request("/v1/overview?window=24h&extra=1")).status).toBe(400);
  });
});
