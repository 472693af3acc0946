import type { Store } from "@probemesh/core/store";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { deps, freshStore, REGIONS, result } from "./helpers.js";

const TOKEN = "s3cret-token-for-tests";
const post = (body: unknown, token = TOKEN, extra: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

describe("POST /v1/probes and GET /v1/probes/:id on a real store", () => {
  let store: Store;
  beforeAll(async () => {
    store = await freshStore();
  });

  it("refuses writes when no token is configured (403), without a token (401) and with a wrong one (401)", async () => {
    const closed = createApp(deps(store));
    const none = await closed.request("/v1/probes", post({ targets: ["tcp://example.com:443"] }));
    expect(none.status).toBe(403);
    expect((await none.json()).error.code).toBe("writes_disabled");

    const app = createApp(deps(store, { apiTokens: [TOKEN] }));
    const missing = await app.request("/v1/probes", post({ targets: ["tcp://example.com:443"] }, ""));
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const wrong = await app.request("/v1/probes", post({ targets: ["tcp://example.com:443"] }, "not-the-token"));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: { code: "unauthorized", message: "unknown bearer token" } });
  });

  it("accepts a probe (202 {id}), dispatches it per region and shows results as they arrive", async () => {
    const d = deps(store, { apiTokens: [TOKEN] });
    const app = createApp(d);
    const res = await app.request("/v1/probes", post({ targets: ["tcp://example.com:443"], regions: ["eu-west-1", "us-east-1"] }));
    expect(res.status).toBe(202);
    const { id } = await res.json();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(d.dispatched.map((i) => i.region).sort()).toEqual(["eu-west-1", "us-east-1"]);
    expect(d.dispatched[0]).toMatchObject({ probeId: id, roundId: id, checks: [{ target: "tcp://example.com:443" }] });

    const before = await (await app.request(`/v1/probes/${id}`)).json();
    expect(before).toMatchObject({ id, targets: ["tcp://example.com:443"], regions: ["eu-west-1", "us-east-1"], done: [], results: [] });
    expect(before.pending).toEqual(["eu-west-1", "us-east-1"]);
    expect(before.requestedBy).toMatch(/^token:[0-9a-f]{12}$/);
    expect(JSON.stringify(before)).not.toContain(TOKEN);

    const checkId = d.dispatched[0]!.checks[0]!.checkId;
    await store.addProbeResults(id, "eu-west-1", [{ ...result(checkId, "eu-west-1", new Date().toISOString(), true), target: "tcp://example.com:443" }]);
    const after = await (await app.request(`/v1/probes/${id}`)).json();
    expect(after.done).toEqual(["eu-west-1"]);
    expect(after.pending).toEqual(["us-east-1"]);
    expect(after.results).toHaveLength(1);
  });

  it("expands a product into its checks", async () => {
    const d = deps(store, { apiTokens: [TOKEN] });
    const res = await createApp(d).request("/v1/probes", post({ product: "kong-konnect", geo: "eu" }));
    expect(res.status).toBe(202);
    expect(d.dispatched).toHaveLength(REGIONS.length);
    expect(d.dispatched[0]!.checks.map((c) => c.checkId)).toEqual(["kong-cp"]);
  });

  it("validates the body: 400 with the field named", async () => {
    const app = createApp(deps(store, { apiTokens: [TOKEN] }));
    const cases: Array<[unknown, string, RegExp]> = [
      [{}, "invalid_request", /targets` or a `product/],
      [{ targets: [] }, "invalid_request", /targets/],
      [{ targets: ["tcp://x:1"], extra: 1 }, "invalid_request", /extra/],
      [{ targets: ["ftp://example.com"] }, "invalid_target", /ftp/],
      [{ targets: ["tcp://example.com:443"], regions: ["mars-north-1"] }, "unknown_region", /mars-north-1/],
      [{ product: "nope" }, "invalid_product", /unknown product/],
      ["{not json", "bad_request", /JSON/i],
    ];
    for (const [body, code, message] of cases) {
      const res = await app.request("/v1/probes", post(body));
      expect(res.status, JSON.stringify(body)).toBe(400);
      const json = await res.json();
      expect(json.error.code, JSON.stringify(body)).toBe(code);
      expect(json.error.message).toMatch(message);
    }
  });

  it("refuses SSRF targets before dispatching anything (403)", async () => {
    const d = deps(store, { apiTokens: [TOKEN] });
    const app = createApp(d);
    for (const target of ["tcp://169.254.169.254:80", "http://127.0.0.1:8787/", "tcp://localhost:22", "tcp://10.0.0.1:443"]) {
      const res = await app.request("/v1/probes", post({ targets: [target] }));
      expect(res.status, target).toBe(403);
      expect((await res.json()).error.code).toBe("blocked_target");
    }
    expect(d.dispatched).toEqual([]);
  });

  it("limits body size (413) and request size (413 for too many targets)", async () => {
    const app = createApp(deps(store, { apiTokens: [TOKEN], bodyLimitBytes: 512 }));
    const big = await app.request("/v1/probes", post({ targets: Array.from({ length: 40 }, (_, i) => `tcp://host-${i}.example.com:443`) }));
    expect(big.status).toBe(413);
    expect((await big.json()).error.code).toBe("payload_too_large");
    const many = await createApp(deps(store, { apiTokens: [TOKEN] })).request(
      "/v1/probes",
      post({ targets: Array.from({ length: 51 }, (_, i) => `tcp://h${i}.example.com:443`) }),
    );
    expect(many.status).toBe(413);
    expect((await many.json()).error.code).toBe("too_many_targets");
  });

  it("rate-limits per token (429 with Retry-After)", async () => {
    const app = createApp(deps(store, { apiTokens: ["rate-limited-token"], probesPerMinute: 2 }));
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 3; i++) {
      last = await app.request("/v1/probes", post({ targets: ["tcp://example.com:443"] }, "rate-limited-token"));
      statuses.push(last.status);
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(last!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await last!.json()).error.code).toBe("rate_limited");
  });

  it("GET /v1/probes/:id: 404 for an unknown id, 400 for a malformed one", async () => {
    const app = createApp(deps(store));
    const unknown = await app.request("/v1/probes/2b1c3f0e-8a4d-4c1e-9f00-000000000000");
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.code).toBe("not_found");
    expect((await app.request("/v1/probes/not-an-id")).status).toBe(400);
  });
});
