import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findTargetHandler } from "hono/utils/handler";
import { uniqueSymbol } from "hono-openapi";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { ApiError, createApi } from "../../packages/web/src/api/index.js";
import { CHECKS, deps, freshStore, REGIONS, result } from "./helpers.js";

const T0 = Date.parse("2026-03-02T10:00:00.000Z");
const iso = (offsetS: number) => new Date(T0 + offsetS * 1000).toISOString();
type App = ReturnType<typeof createApp>;
type Operation = { operationId?: string; summary?: string; tags?: string[]; security?: unknown[]; parameters?: Array<{ name: string; in: string; schema: { pattern?: string } }>; responses: Record<string, { content?: Record<string, { schema?: unknown }> }> };

async function seededApp(): Promise<App> {
  const now = new Date(T0 + 5000);
  const store = await freshStore(() => now);
  for (const region of REGIONS) {
    await store.writeResults(region, "r1", [result("kong-cp", region, iso(0), region === "us-east-1"), result("sdm-app", region, iso(0), true)]);
    await store.recordHeartbeat({ region, roundId: "r1", at: now.toISOString(), ok: true, checks: 2 });
  }
  await store.evaluate({ now, regions: REGIONS, staleAfterMs: 150_000 });
  return createApp(
    deps(store, {
      now: () => now,
      apiTokens: ["api-token"],
      agents: { store, tokens: { lab: "agent-token" }, planFor: () => CHECKS, intervalS: 60, now: () => now },
    }),
  );
}

/** The schema `documented()` gave the route's answer with this status (hono-openapi keeps it on the middleware). */
function documentedSchema(app: App, method: string, path: string, status: number) {
  for (const route of app.routes) {
    if (route.method !== method || route.path !== path) continue;
    const spec = (findTargetHandler(route.handler) as unknown as Record<symbol, { spec?: { responses?: Operation["responses"] } }>)[uniqueSymbol]?.spec;
    const content = spec?.responses?.[status]?.content;
    if (content) return Object.values(content)[0]!.schema as { validate(value: unknown): { issues?: unknown[] } | Promise<{ issues?: unknown[] }> };
  }
  throw new Error(`${method} ${path} documents no ${status} answer`);
}

let app: App;
let document: { paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };
beforeAll(async () => {
  app = await seededApp();
  document = await (await app.request("/openapi.json")).json();
});

describe("/openapi.json from the routes", () => {
  it("documents every route the app serves, each with an operationId, summary, tag, security and a 2xx schema", () => {
    const served = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    expect(new Set(documented)).toEqual(new Set(served));
    expect(documented).toEqual(expect.arrayContaining(["post /chatops/slack", "get /metrics", "get /openapi.json", "post /v1/agents/{location}/results"]));
    const operations = Object.values(document.paths).flatMap((ops) => Object.values(ops));
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
    for (const op of operations) {
      expect(op.summary, op.operationId).toBeTruthy();
      expect(op.tags, op.operationId).toHaveLength(1);
      expect(Array.isArray(op.security), op.operationId).toBe(true);
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith("2"));
      expect(Object.values(ok?.[1].content ?? {})[0]?.schema, op.operationId).toBeTruthy();
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || op.operationId === "getHealth") continue;
        expect(response.content?.["application/json"]?.schema, `${op.operationId} ${status}`).toEqual({ $ref: "#/components/schemas/Error" });
      }
    }
    expect(document.paths["/v1/probes"]!.post!.security).toEqual([{ apiToken: [] }]);
    expect(document.paths["/v1/agents/{location}/plan"]!.get!.security).toEqual([{ agentToken: [] }]);
    expect(document.paths["/chatops/slack"]!.post!.security).toEqual([{ slackSignature: [] }]);
    expect(document.paths["/v1/status"]!.get!.security).toEqual([]);
  });

  it("documents the history `region` parameter as an AWS region or an agent location", () => {
    const parameter = document.paths["/v1/checks/{id}/history"]!.get!.parameters!.find((p) => p.name === "region" && p.in === "query")!;
    const pattern = new RegExp(parameter.schema.pattern!);
    expect(["eu-west-1", "agent:a1", "agent:onprem-dc1"].filter((name) => pattern.test(name))).toEqual(["eu-west-1", "agent:a1", "agent:onprem-dc1"]);
    expect(["Europe", "agent:", "a1"].filter((name) => pattern.test(name))).toEqual([]);
  });

  it("answers match the documented schema of their status", async () => {
    const agent = { authorization: "Bearer agent-token", "content-type": "application/json" };
    const calls: Array<[method: string, route: string, url: string, init?: RequestInit]> = [
      ["GET", "/healthz", "/healthz"],
      ["GET", "/v1/regions", "/v1/regions"],
      ["GET", "/v1/checks", "/v1/checks"],
      ["GET", "/v1/checks/:id/history", "/v1/checks/kong-cp/history?bucket=raw"],
      ["GET", "/v1/checks/:id/history", "/v1/checks/nope/history"],
      ["GET", "/v1/status", "/v1/status"],
      ["GET", "/v1/incidents", "/v1/incidents"],
      ["GET", "/v1/incidents", "/v1/incidents?from=2026-02-30"],
      ["GET", "/v1/overview", "/v1/overview?window=48h"],
      ["GET", "/v1/rounds/latest", "/v1/rounds/latest"],
      ["GET", "/v1/drift", "/v1/drift"],
      ["POST", "/v1/probes", "/v1/probes", { method: "POST", headers: { authorization: "Bearer api-token", "content-type": "application/json" }, body: JSON.stringify({ targets: ["tcp://example.com:443"] }) }],
      ["POST", "/v1/probes", "/v1/probes", { method: "POST", headers: { authorization: "Bearer api-token" }, body: "{}" }],
      ["POST", "/v1/probes", "/v1/probes", { method: "POST", body: "{}" }],
      ["GET", "/v1/agents/:location/plan", "/v1/agents/lab/plan", { headers: agent }],
      ["POST", "/v1/agents/:location/heartbeat", "/v1/agents/lab/heartbeat", { method: "POST", headers: agent, body: JSON.stringify({ at: iso(1), ok: true, intervalS: 60 }) }],
      ["POST", "/v1/agents/:location/results", "/v1/agents/lab/results", { method: "POST", headers: agent, body: JSON.stringify({ roundId: "a1", results: [result("kong-cp", "agent:lab", iso(2), true)] }) }],
      ["POST", "/chatops/slack", "/chatops/slack", { method: "POST", body: "text=help" }],
      ["GET", "/metrics", "/metrics"],
    ];
    const seen: string[] = [];
    for (const [method, route, url, init] of calls) {
      const res = await app.request(url, init);
      const text = await res.text();
      const body = res.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text;
      const outcome = await documentedSchema(app, method, route, res.status).validate(body);
      expect(outcome.issues, `${method} ${url} → ${res.status}: ${text.slice(0, 300)}`).toBeUndefined();
      seen.push(`${url} ${res.status}`);
    }
    // The list covers successes and errors of several kinds.
    expect(seen).toEqual(expect.arrayContaining(["/v1/checks/nope/history 404", "/v1/incidents?from=2026-02-30 400", "/v1/probes 202", "/v1/probes 415", "/v1/probes 401", "/chatops/slack 503"]));
    const started = (await (await app.request("/v1/probes", calls[11]![3])).json()) as { id: string };
    const probe = await app.request(`/v1/probes/${started.id}`);
    expect((await documentedSchema(app, "GET", "/v1/probes/:id", probe.status).validate(await probe.json())).issues).toBeUndefined();
  });

  it("passes `redocly lint` with the recommended rules: 0 errors (offline, no telemetry)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "probemesh-openapi-"));
    try {
      const file = join(dir, "openapi.json");
      await writeFile(file, JSON.stringify(document));
      const { stdout } = await promisify(execFile)("npx", ["--no-install", "redocly", "lint", "--extends=recommended", "--format=json", file], {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        timeout: 60_000,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
      const report = JSON.parse(stdout.slice(stdout.indexOf("{"))) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }> };
      for (const problem of report.problems) console.log(`redocly ${problem.severity} ${problem.ruleId}: ${problem.message} (${problem.location[0]?.pointer})`);
      console.log(`redocly lint: ${report.totals.errors} errors, ${report.totals.warnings} warnings`);
      expect(report.problems.filter((problem) => problem.severity === "error")).toEqual([]);
      expect(report.totals.errors).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the page's hc<AppType> client reaches the real routes (paths, parameters, bodies)", async () => {
    const api = createApi("http://api.test", (input, init) => Promise.resolve(app.request(input instanceof Request ? input : String(input), init)));
    expect((await api.regions()).map((r) => r.region)).toEqual(expect.arrayContaining(REGIONS));
    expect((await api.checks()).map((c) => c.checkId).sort()).toEqual(["kong-cp", "sdm-app"]);
    expect((await api.status()).summary).toMatchObject({ up: 1 });
    const history = await api.history("kong-cp", { from: iso(-3600), to: iso(60), bucket: "raw", region: "eu-west-1" });
    expect(history.series.map((point) => point.region)).toEqual(["eu-west-1"]);
    expect((await api.overview("48h")).hours).toHaveLength(48);
    expect((await api.latestRound()).evaluatedAt).not.toBeNull();
    expect(await api.incidents({ from: iso(-3600) })).toEqual([]);
    expect(await api.drift()).toEqual([]);
    const { id } = await api.startProbe({ targets: ["tcp://example.com:443"], regions: ["us-east-1"] }, "api-token");
    expect((await api.probe(id)).pending).toEqual(["us-east-1"]);
    await expect(api.history("no such/check", { from: iso(-3600), to: iso(60), bucket: "1h" })).rejects.toMatchObject({ status: 400, code: "invalid_request" });
    await expect(api.startProbe({ targets: ["tcp://example.com:443"] }, "wrong")).rejects.toBeInstanceOf(ApiError);
  });
});
