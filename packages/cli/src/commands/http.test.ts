import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, explainConnectionError, getJson } from "./http.js";

describe("explainConnectionError", () => {
  it("names the errno, also inside happy-eyeballs AggregateErrors and cause chains", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    expect(explainConnectionError(refused).code).toBe("ECONNREFUSED");
    expect(explainConnectionError(new AggregateError([refused, refused])).text).toBe("ECONNREFUSED: connection refused: nothing listens there (is the API running?)");
    expect(explainConnectionError(new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }) })).text).toBe("ENOTFOUND: no such host");
    expect(explainConnectionError(new Error("odd"))).toEqual({ code: "ERROR", text: "ERROR: odd" });
  });
});

describe("getJson against a loopback server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === "/html") return res.writeHead(502, { "content-type": "text/html" }).end("<h1>bad gateway</h1>");
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("returns status and parsed JSON; a body that is not JSON is undefined", async () => {
    expect(await getJson(new URL("/x", base), 5000)).toEqual({ status: 200, statusText: "OK", body: { ok: true } });
    expect(await getJson(new URL("/html", base), 5000)).toEqual({ status: 502, statusText: "Bad Gateway", body: undefined });
  });

  it("rejects with a named ConnectionError when nothing listens", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await getJson(new URL(`http://127.0.0.1:${port}/`), 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: "ECONNREFUSED" });
  });
});
