import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { CHECKS, deps, freshStore, REGIONS, result } from "./helpers.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();

/** Two rounds: kong-cp fails in eu-west-1 and ap-southeast-2 (down), sdm-app fails in ap-southeast-2 only (degraded). */
async function seeded() {
  let now = new Date(T0);
  const store = await freshStore(() => now);
  for (const [round, offset] of [["r1", 0], ["r2", 60]] as const) {
    now = new Date(T0 + offset * 1000 + 5000);
    for (const region of REGIONS) {
      await store.writeResults(region, round, [
        result("kong-cp", region, iso(offset), region === "us-east-1", 30 + offset),
        result("sdm-app", region, iso(offset), region !== "ap-southeast-2", 10),
      ]);
      await store.recordHeartbeat({ region, roundId: round, at: now.toISOString(), ok: true, checks: 2 });
    }
    await store.evaluate({ now, regions: REGIONS, staleAfterMs: 150_000 });
  }
  const app = createApp(deps(store, { now: () => now }));
  return { app, store, setNow: (d: Date) => (now = d) };
}

let shared: Awaited<ReturnType<typeof seeded>>;
beforeAll(async () => {
  shared = await seeded();
});

describe("read routes on a real store (DynamoDB Local)", () => {
  it("GET /healthz", async () => {
    const { app } = shared;
    const res = await app.request("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", store: { reachable: true }, failedShards: {}, spool: { depth: 0 } });
  });

  it("GET /v1/regions: last round, ok, stale; a region without heartbeat is stale", async () => {
    const { app, store, setNow } = await seeded();
    const res = await app.request("/v1/regions");
    const body = await res.json();
    expect(body.regions).toHaveLength(3);
    expect(body.regions[0]).toMatchObject({ region: "us-east-1", ok: true, stale: false, lastRoundAt: iso(65), checks: 2 });
    await store.recordHeartbeat({ region: "eu-west-1", roundId: "r3", at: iso(125), ok: false, error: "eu-west-1: invoke failed" });
    setNow(new Date(T0 + 400_000));
    const later = await (await app.request("/v1/regions")).json();
    const eu = later.regions.find((r: { region: string }) => r.region === "eu-west-1");
    expect(eu).toMatchObject({ ok: false, stale: true, error: "eu-west-1: invoke failed" });
  });

  it("GET /v1/checks: every planned check, labelled, with each region's latest result and state", async () => {
    const { app } = shared;
    const body = await (await app.request("/v1/checks")).json();
    expect(body.checks.map((c: { checkId: string }) => c.checkId).sort()).toEqual(["kong-cp", "sdm-app"]);
    const kong = body.checks.find((c: { checkId: string }) => c.checkId === "kong-cp");
    expect(kong).toMatchObject({ label: CHECKS[0]!.label, product: "kong-konnect", component: "hostnames", level: "required", target: CHECKS[0]!.target });
    expect(kong.regions["eu-west-1"]).toMatchObject({ status: "fail", outcome: "tcp_refused", durationMs: 90, at: iso(60), state: "down", detail: { labNote: "refused" } });
    expect(kong.regions["us-east-1"]).toMatchObject({ status: "pass", outcome: "ok", state: "up", detail: null });
    expect(typeof kong.regions["us-east-1"].since).toBe("string");
  });

  it("GET /v1/status: verdict per check across regions with a summary", async () => {
    const { app } = shared;
    const body = await (await app.request("/v1/status")).json();
    expect(body.generatedAt).toBe(iso(65));
    const verdicts = Object.fromEntries(body.checks.map((c: { checkId: string; verdict: string }) => [c.checkId, c.verdict]));
    expect(verdicts).toEqual({ "kong-cp": "down", "sdm-app": "degraded" });
    expect(body.summary).toEqual({ up: 0, degraded: 1, down: 1, unknown: 0 });
    expect(body.checks.find((c: { checkId: string }) => c.checkId === "kong-cp").regions).toEqual({
      "us-east-1": "up",
      "eu-west-1": "down",
      "ap-southeast-2": "down",
    });
  });

  it("GET /v1/status: a stale region counts as unknown, never as down", async () => {
    const app = createApp(deps(shared.store, { now: () => new Date(T0 + 10 * 60_000) }));
    const body = await (await app.request("/v1/status")).json();
    expect(body.summary).toEqual({ up: 0, degraded: 0, down: 0, unknown: 2 });
    expect(Object.values(body.checks[0].regions)).toEqual(["stale", "stale", "stale"]);
  });

  it("GET /v1/checks/:id/history: raw and hourly series; bad queries are 400, unknown checks 404", async () => {
    const { app } = shared;
    const q = `from=${encodeURIComponent(iso(-60))}&to=${encodeURIComponent(iso(300))}`;
    const raw = await (await app.request(`/v1/checks/kong-cp/history?${q}&bucket=raw&region=eu-west-1`)).json();
    expect(raw).toMatchObject({ checkId: "kong-cp", bucket: "raw", from: iso(-60), to: iso(300) });
    expect(raw.series).toHaveLength(2);
    expect(raw.series.every((b: { region: string }) => b.region === "eu-west-1")).toBe(true);
    const hourly = await (await app.request(`/v1/checks/kong-cp/history?${q}`)).json();
    expect(hourly.bucket).toBe("1h");
    const counts = hourly.series.reduce((n: number, b: { counts: { pass: number; fail: number } }) => n + b.counts.pass + b.counts.fail, 0);
    expect(counts).toBe(6);

    for (const [query, code] of [
      ["bucket=5m", "invalid_request"],
      ["from=yesterday", "invalid_request"],
      [`from=${iso(100)}&to=${iso(0)}`, "invalid_range"],
      [`from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&bucket=raw`, "invalid_range"],
      ["region=Europe", "invalid_request"],
      ["limit=5", "invalid_request"],
    ]) {
      const res = await app.request(`/v1/checks/kong-cp/history?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json()).error.code, query).toBe(code);
    }
    const missing = await app.request("/v1/checks/nope/history");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: { code: "not_found", message: "no check with id nope" } });
    expect((await app.request("/v1/checks/bad%20id/history")).status).toBe(400);
  });

  it("GET /v1/checks/:id/history?region=agent:<location>: an agent location's own series; a malformed one is 400", async () => {
    const { app, store } = await seeded();
    await store.writeResults("agent:a1", "a-r1", [result("kong-cp", "agent:a1", iso(30), true), result("kong-cp", "agent:a1", iso(90), false)]);
    const q = `from=${encodeURIComponent(iso(-60))}&to=${encodeURIComponent(iso(300))}&bucket=raw`;
    const res = await app.request(`/v1/checks/kong-cp/history?${q}&region=agent:a1`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.series.map((b: { region: string; start: string }) => [b.region, b.start])).toEqual([["agent:a1", iso(30)], ["agent:a1", iso(90)]]);
    for (const region of ["agent:", "agent:DC1", "agents:a1", "a1"]) {
      const bad = await app.request(`/v1/checks/kong-cp/history?${q}&region=${encodeURIComponent(region)}`);
      expect(bad.status, region).toBe(400);
      expect((await bad.json()).error.message, region).toMatch(/^query region: .*agent:onprem-dc1/);
    }
  });

  it("GET /v1/incidents: the incident the down check opened", async () => {
    const { app } = shared;
    const body = await (await app.request(`/v1/incidents?from=${iso(-3600)}&to=${iso(3600)}`)).json();
    const kong = body.incidents.find((i: { checkId: string }) => i.checkId === "kong-cp");
    expect(kong).toMatchObject({ checkId: "kong-cp", verdict: "down" });
    expect(kong.regions.sort()).toEqual(["ap-southeast-2", "eu-west-1"]);
    expect((await app.request("/v1/incidents?from=2026-13-01")).status).toBe(400);
  });

  it("GET /metrics: prom-client text the store counted: probes by region, kind and outcome, a cumulative duration histogram, per check × region gauges; promtool finds nothing", async () => {
    const { app } = shared;
    const res = await app.request("/metrics");
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    // Two rounds × two checks per region: the counters grow with every stored result, unlike the latest picture.
    expect(text).toContain('probemesh_probes_total{region="us-east-1",kind="tcp",outcome="ok"} 4');
    expect(text).toContain('probemesh_probes_total{region="ap-southeast-2",kind="tcp",outcome="tcp_refused"} 4');
    expect(text).toContain('probemesh_probes_total{region="eu-west-1",kind="tcp",outcome="tcp_refused"} 2');
    expect(text).toContain("# TYPE probemesh_probe_duration_seconds histogram");
    // Durations 30, 10, 90 and 10 ms: two at or below 0.01 s, three at or below 0.05 s, four in all.
    expect(text).toContain('probemesh_probe_duration_seconds_bucket{region="us-east-1",kind="tcp",le="0.01"} 2');
    expect(text).toContain('probemesh_probe_duration_seconds_bucket{region="us-east-1",kind="tcp",le="0.05"} 3');
    expect(text).toContain('probemesh_probe_duration_seconds_bucket{region="us-east-1",kind="tcp",le="+Inf"} 4');
    expect(text).toMatch(/probemesh_probe_duration_seconds_sum\{region="us-east-1",kind="tcp"\} 0\.14\n/);
    expect(text).toContain('probemesh_probe_last_duration_seconds{check_id="kong-cp",region="us-east-1"} 0.09');
    expect(text).toContain(`probemesh_probe_last_success_timestamp_seconds{check_id="kong-cp",region="us-east-1"} ${(T0 + 60_000) / 1000}`);
    expect(text).not.toMatch(/probemesh_probe_last_success_timestamp_seconds\{check_id="kong-cp",region="eu-west-1"\}/);
    expect(text).toContain('probemesh_check_info{check_id="kong-cp",product="kong-konnect",component="hostnames",target="tls://eu.api.konghq.com:443"} 1');
    expect(text).toContain('probemesh_checks{region="ap-southeast-2",status="fail"} 2');
    expect(text).toContain('probemesh_check_failures{region="eu-west-1",outcome="tcp_refused"} 1');
    expect(text).toContain('probemesh_region_up{region="us-east-1"} 1');
    expect(text).toMatch(/probemesh_api_requests_total\{method="GET",status="200"\} \d+/);
    expect(promtoolProblems(text)).toEqual([]);
  });

  it("GET /metrics reads the region state once per evaluated round: results written since show after the next evaluation", async () => {
    const { app, store, setNow } = await seeded();
    const probes = async () => /probemesh_probes_total\{region="us-east-1",kind="tcp",outcome="ok"\} (\d+)/.exec(await (await app.request("/metrics")).text())?.[1];
    expect(await probes()).toBe("4");
    const now = new Date(T0 + 125_000);
    setNow(now);
    await store.writeResults("us-east-1", "r3", [result("kong-cp", "us-east-1", iso(120), true, 30), result("sdm-app", "us-east-1", iso(120), true, 10)]);
    // Same evaluated round: the scrape shares the round's read (the counters lag by at most one round).
    expect(await probes()).toBe("4");
    await store.evaluate({ now, regions: REGIONS, staleAfterMs: 150_000 });
    expect(await probes()).toBe("6");
  });

  it("GET /openapi.json is generated from the validation schemas", async () => {
    const { app } = shared;
    const doc = await (await app.request("/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/healthz", "/v1/regions", "/v1/checks", "/v1/status", "/v1/checks/{id}/history", "/v1/incidents", "/v1/probes", "/v1/probes/{id}", "/metrics", "/openapi.json"]),
    );
    const history = doc.paths["/v1/checks/{id}/history"].get;
    const bucket = history.parameters.find((p: { name: string }) => p.name === "bucket");
    expect(bucket).toMatchObject({ in: "query", schema: { enum: ["raw", "1h", "1d"] } });
    expect(bucket.required ?? false).toBe(false);
    expect(history.parameters.find((p: { name: string }) => p.name === "id")).toMatchObject({ in: "path", required: true });
    const body = doc.paths["/v1/probes"].post.requestBody.content["application/json"].schema;
    expect(Object.keys(body.properties)).toEqual(["targets", "product", "geo", "regions"]);
    expect(doc.paths["/v1/probes"].post.security).toEqual([{ apiToken: [] }]);
  });

  it("unknown routes and unconfigured chat-ops answer in the same JSON error shape", async () => {
    const { app } = shared;
    const res = await app.request("/v2/nothing");
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "not_found", message: "no route for GET /v2/nothing" } });
    const slack = await app.request("/chatops/slack", { method: "POST", body: "x" });
    expect(slack.status).toBe(503);
    expect((await slack.json()).error.code).toBe("unavailable");
  });
});

/** What `promtool check metrics` (Prometheus' own linter, Debian package prometheus) reports about an exposition. */
function promtoolProblems(text: string): string[] {
  const run = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (run.error) throw new Error(`promtool: ${run.error.message} (install Debian's prometheus package)`);
  return `${run.stdout}${run.stderr}`.split("\n").filter((line) => line.trim() !== "");
}
