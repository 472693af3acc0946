import { Agent, request } from "node:http";
import type { Store } from "@probemesh/core/store";
import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { startGateway, type Gateway } from "../../packages/functions/src/mesh/gateway.js";
import { deps, freshStore } from "./helpers.js";

/**
 * HTTP hygiene through the local gateway (API Gateway's stand-in, what `npm start` serves): every
 * error in the JSON error shape with its status, and a keep-alive connection that either stays
 * usable after the error or is closed honestly (Connection: close).
 */
const TOKEN = "http-hygiene-token";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  reusedSocket: boolean;
}

let store: Store;
let gateway: Gateway;
let agent: Agent;

function send(method: string, path: string, options: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${gateway.url}${path}`, { method, agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"), reusedSocket: req.reusedSocket }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const json = (body: unknown, extra: Record<string, string> = {}) => ({
  headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}`, ...extra },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

/** The error came in the documented shape, then the same connection (or an honestly new one) still serves. */
async function expectErrorThenUsable(answer: Answer, status: number, code: RegExp) {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  const parsed = JSON.parse(answer.body) as { error: { code: string; message: string } };
  expect(parsed.error.code).toMatch(code);
  expect(parsed.error.message.length).toBeGreaterThan(0);
  const next = await send("GET", "/v1/regions");
  expect(next.status).toBe(200);
  if (answer.headers.connection === "close") expect(next.reusedSocket).toBe(false);
  else expect(next.reusedSocket).toBe(true);
  return parsed;
}

beforeAll(async () => {
  store = await freshStore();
  const app = createApp(deps(store, { apiTokens: [TOKEN] }));
  gateway = await startGateway({ handler: handle(app) });
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent?.destroy();
  await gateway?.close();
});

describe("HTTP errors through the gateway, on one keep-alive connection", () => {
  it("413 for a 2 MB body keeps the connection usable", async () => {
    await send("GET", "/v1/regions");
    const big = await send("POST", "/v1/probes", json({ targets: ["tcp://example.com:443"], pad: "a".repeat(2 * 1024 * 1024) }));
    await expectErrorThenUsable(big, 413, /^payload_too_large$/);
    expect(big.headers.connection).toBe("keep-alive");
  });

  it("413 for a body over the gateway's 10 MB cap says Connection: close and closes", async () => {
    const huge = await send("POST", "/v1/probes", json("a".repeat(11 * 1024 * 1024)));
    expect(huge.headers.connection).toBe("close");
    await expectErrorThenUsable(huge, 413, /^payload_too_large$/);
  });

  it("415 for a text/plain body, with a message about the content type", async () => {
    const plain = await send("POST", "/v1/probes", { headers: { "content-type": "text/plain", authorization: `Bearer ${TOKEN}` }, body: '{"targets":["tcp://example.com:443"]}' });
    const { error } = await expectErrorThenUsable(plain, 415, /^unsupported_media_type$/);
    expect(error.message).toMatch(/application\/json.*text\/plain/);
    expect(error.message).not.toMatch(/targets/);
  });

  it("405 with Allow for a known path and another method; 404 for an unknown path", async () => {
    const wrong = await send("DELETE", "/v1/checks");
    await expectErrorThenUsable(wrong, 405, /^method_not_allowed$/);
    expect(wrong.headers.allow).toBe("GET, HEAD");
    const put = await send("PUT", "/v1/probes/2b1c3f0e-8a4d-4c1e-9f00-000000000000");
    expect([put.status, put.headers.allow]).toEqual([405, "GET, HEAD"]);
    await expectErrorThenUsable(await send("GET", "/v1/nothing-here"), 404, /^not_found$/);
  });

  it("431 for a 20 kB Authorization header, in the JSON shape, with Connection: close", async () => {
    const headers = await send("GET", "/v1/regions", { headers: { authorization: `Bearer ${"x".repeat(20_000)}` } });
    expect(headers.headers.connection).toBe("close");
    await expectErrorThenUsable(headers, 431, /^header_too_large$/);
  });

  it("400 for impossible dates", async () => {
    for (const from of ["2026-02-30", "2026-13-01", "2026-01-31T24:00:00Z", "2026-01-31T12:00:00", "yesterday"]) {
      const answer = await send("GET", `/v1/incidents?from=${encodeURIComponent(from)}`);
      const { error } = await expectErrorThenUsable(answer, 400, /^invalid_request$/);
      expect(error.message, from).toMatch(/from: must be an ISO-8601/);
    }
    expect((await send("GET", "/v1/incidents?from=2024-02-29&to=2024-03-01T00:00:00%2B02:00")).status).toBe(200);
  });

  it("a region listed 32 times is probed once; an unknown or malformed region is 400 before any dispatch", async () => {
    const d = deps(store, { apiTokens: [TOKEN] });
    const app = createApp(d);
    const many = await app.request("/v1/probes", { method: "POST", ...json({ targets: ["tcp://example.com:443"], regions: Array(32).fill("us-east-1") }) });
    expect(many.status).toBe(202);
    expect(d.dispatched.map((i) => i.region)).toEqual(["us-east-1"]);
    const record = await (await app.request(`/v1/probes/${((await many.json()) as { id: string }).id}`)).json();
    expect(record.regions).toEqual(["us-east-1"]);
    for (const regions of [["mars-north-1"], ["US EAST"], Array(33).fill("us-east-1")]) {
      const bad = await app.request("/v1/probes", { method: "POST", ...json({ targets: ["tcp://example.com:443"], regions }) });
      expect(bad.status, JSON.stringify(regions).slice(0, 40)).toBe(400);
    }
    expect(d.dispatched).toHaveLength(1);
  });
});
