import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiError, createApi, resolveApiBase } from "./index.js";

describe("resolveApiBase", () => {
  it("defaults to the page's own origin", () => {
    expect(resolveApiBase("http://127.0.0.1:8787/", "")).toBe("http://127.0.0.1:8787");
    expect(resolveApiBase("http://127.0.0.1:8787/status/?x=1", null)).toBe("http://127.0.0.1:8787");
  });
  it("takes the meta tag, then the ?api= query parameter over it", () => {
    expect(resolveApiBase("https://status.example.test/", "https://api.example.test/prod/")).toBe("https://api.example.test/prod");
    expect(resolveApiBase("https://status.example.test/?api=http://127.0.0.1:9000", "https://api.example.test")).toBe("http://127.0.0.1:9000");
  });
});

describe("createApi against a loopback server", () => {
  let server: Server;
  let base: string;
  const seen: { method?: string; url?: string; auth?: string; body?: string }[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let body = "";
      for await (const chunk of req) body += chunk;
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      if (req.url === "/v1/regions") return res.writeHead(200, { "content-type": "application/json" }).end('{"regions":[{"region":"us-east-1","lastRoundAt":null,"ok":false,"stale":true}]}');
      if (req.url === "/v1/probes") return res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"code":"unauthorized","message":"missing or unknown bearer token"}}');
      res.writeHead(502, { "content-type": "text/html" }).end("<h1>Bad gateway</h1>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("unwraps successful answers", async () => {
    expect(await createApi(base).regions()).toEqual([{ region: "us-east-1", lastRoundAt: null, ok: false, stale: true }]);
  });

  it("sends the bearer token and JSON body, and surfaces the API's error message", async () => {
    const error = await createApi(base).startProbe({ targets: ["tcp://a:1"], regions: ["us-east-1"] }, "t0k").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: "unauthorized", message: "missing or unknown bearer token" });
    expect(seen.at(-1)).toMatchObject({ method: "POST", auth: "Bearer t0k", body: '{"targets":["tcp://a:1"],"regions":["us-east-1"]}' });
  });

  it("reports a non-JSON answer and an unreachable API as clear errors", async () => {
    await expect(createApi(base).status()).rejects.toMatchObject({ status: 502, code: "bad_response" });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(createApi(`http://127.0.0.1:${port}`).checks()).rejects.toMatchObject({ status: 0, code: "network" });
  });

  it("encodes history queries", async () => {
    await createApi(base).history("a/b", { from: "2025-01-01T00:00:00.000Z", to: "2025-01-02T00:00:00.000Z", bucket: "1h" }).catch(() => undefined);
    expect(seen.at(-1)?.url).toBe("/v1/checks/a%2Fb/history?from=2025-01-01T00%3A00%3A00.000Z&to=2025-01-02T00%3A00%3A00.000Z&bucket=1h");
  });
});
