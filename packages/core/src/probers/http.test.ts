import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCA, issueCert, type CertificateAuthority } from "../pki/index.js";
import { dnsLookup, probe } from "./index.js";
import { connectProxy, dnsResponder, httpListener, type Listening } from "./test-servers/index.js";
import type { ProbeContext } from "./types.js";

let ca: CertificateAuthority;
let web: Listening, secure: Listening, expiringWeb: Listening, expiredWeb: Listening, dns: Listening;
let proxy: Listening & { requests: string[] }, denyingProxy: Listening & { requests: string[] }, authProxy: Listening & { requests: string[] };
const ctx = (extra: Partial<ProbeContext> = {}): Partial<ProbeContext> => ({
  region: "r",
  checkId: "h",
  timeoutMs: 2000,
  ca: [ca.certPem],
  lookup: dnsLookup({ server: `127.0.0.1:${dns.port}`, timeoutMs: 500 }),
  ...extra,
});

const routes: Record<string, (res: import("node:http").ServerResponse) => void> = {
  "/": (res) => res.end("hello"),
  "/health?deep=1": (res) => res.writeHead(204).end(),
  "/missing": (res) => res.writeHead(404).end("no"),
  "/broken": (res) => res.writeHead(500).end("boom"),
  "/moved": (res) => res.writeHead(302, { location: "/" }).end(),
  "/hang": () => {},
  "/reset": (res) => res.socket?.destroy(),
};

beforeAll(async () => {
  ca = await createCA();
  dns = await dnsResponder({ "web.lab.test": [{ type: "A", data: "127.0.0.1" }] });
  const handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) =>
    (routes[req.url ?? "/"] ?? ((r) => r.writeHead(400).end()))(res);
  web = await httpListener(handler);
  secure = await httpListener(handler, await issueCert(ca, { names: ["web.lab.test"] }));
  expiringWeb = await httpListener(handler, await issueCert(ca, { names: ["web.lab.test"], notAfter: new Date(Date.now() + 2 * 86_400_000 + 3_600_000) }));
  expiredWeb = await httpListener(handler, await issueCert(ca, { names: ["web.lab.test"], notBefore: new Date(Date.now() - 9e9), notAfter: new Date(Date.now() - 1e9) }));
  proxy = await connectProxy({ hosts: { "web.lab.test": "127.0.0.1" } });
  denyingProxy = await connectProxy({ deny: 403 });
  authProxy = await connectProxy({ deny: 407 });
});
afterAll(async () => {
  await Promise.all([web, secure, expiringWeb, expiredWeb, dns, proxy, denyingProxy, authProxy].map((l) => l.close()));
});

describe("http prober", () => {
  it("times dns, connect and first byte of a plain GET", async () => {
    const [result] = await probe(`http://web.lab.test:${web.port}/`, ctx());
    expect(result).toMatchObject({ kind: "http", status: "pass", outcome: "ok", remoteAddress: "127.0.0.1", detail: { status: 200, bytes: 5 } });
    expect(Object.keys(result!.phases).sort()).toEqual(["connectMs", "dnsMs", "firstByteMs"]);
    expect(result!.durationMs).toBeGreaterThanOrEqual(result!.phases.firstByteMs!);
  });

  it("sends the path and query but not probemesh's own parameters", async () => {
    const [result] = await probe(`http://127.0.0.1:${web.port}/health?deep=1&expect=200-299`, ctx());
    expect(result).toMatchObject({ outcome: "ok", detail: { status: 204 } });
  });

  it("accepts a redirect in the default 200-399 range and records where it points", async () => {
    const [result] = await probe(`http://127.0.0.1:${web.port}/moved`, ctx());
    expect(result).toMatchObject({ outcome: "ok", detail: { status: 302, location: "/" } });
  });

  it("reports a status outside the expected range as http_status", async () => {
    const [broken] = await probe(`http://127.0.0.1:${web.port}/broken`, ctx());
    expect(broken).toMatchObject({ status: "fail", outcome: "http_status", detail: { status: 500, expectedStatus: "200-399" } });
    const [missing] = await probe(`http://127.0.0.1:${web.port}/missing?expect=404`, ctx());
    expect(missing).toMatchObject({ status: "pass", outcome: "ok", detail: { status: 404 } });
    const [moved] = await probe(`http://127.0.0.1:${web.port}/moved?expect=200-299`, ctx());
    expect(moved).toMatchObject({ outcome: "http_status", detail: { status: 302 } });
  });

  it("reports a server that never answers as http_timeout (and it was reached)", async () => {
    const [result] = await probe(`http://127.0.0.1:${web.port}/hang`, ctx({ timeoutMs: 300 }));
    expect(result).toMatchObject({ status: "fail", outcome: "http_timeout" });
    expect(result!.phases.connectMs).toBeGreaterThanOrEqual(0);
    const [blocked] = await probe(`http://127.0.0.1:${web.port}/hang?expect=blocked`, ctx({ timeoutMs: 300 }));
    expect(blocked).toMatchObject({ status: "fail", outcome: "http_timeout" });
  });

  it("reports a connection dropped without an answer as http_status with no status", async () => {
    const [result] = await probe(`http://127.0.0.1:${web.port}/reset`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "http_status", detail: { status: null } });
  });

  it("times the TLS phase of https and checks the certificate", async () => {
    const [result] = await probe(`https://web.lab.test:${secure.port}/`, ctx());
    expect(result).toMatchObject({ outcome: "ok", detail: { status: 200, tls: { protocol: "TLSv1.3", alpn: "http/1.1" } } });
    expect(Object.keys(result!.phases).sort()).toEqual(["connectMs", "dnsMs", "firstByteMs", "tlsMs"]);
    const [expired] = await probe(`https://web.lab.test:${expiredWeb.port}/`, ctx());
    expect(expired).toMatchObject({ status: "fail", outcome: "tls_cert_expired" });
    expect(expired!.phases.tlsMs).toBeGreaterThan(0);
  });

  it("fails https whose certificate expires within certMinDays, after the request, unless the status already fails", async () => {
    const [soon] = await probe(`https://web.lab.test:${expiringWeb.port}/`, ctx());
    expect(soon).toMatchObject({ status: "fail", outcome: "tls_cert_expiring", detail: { status: 200, daysLeft: 2, tls: { daysLeft: 2, certMinDays: 14 } } });
    expect((await probe(`https://web.lab.test:${expiringWeb.port}/?certMinDays=2`, ctx()))[0]).toMatchObject({ outcome: "ok", detail: { daysLeft: 2 } });
    expect((await probe(`https://web.lab.test:${expiringWeb.port}/broken`, ctx()))[0]).toMatchObject({ outcome: "http_status", detail: { status: 500, daysLeft: 2 } });
    expect((await probe(`https://web.lab.test:${secure.port}/`, ctx({ certMinDays: 400 })))[0]).toMatchObject({ outcome: "tls_cert_expiring" });
  });

  it("goes through a CONNECT proxy, which resolves the name itself", async () => {
    const [result] = await probe(`https://web.lab.test:${secure.port}/?servername=web.lab.test`, ctx({
      proxy: `http://127.0.0.1:${proxy.port}`,
      lookup: async () => { throw new Error("the target name must not be resolved locally behind a proxy"); },
      dial: (_host, port) => ({ port }),
    }));
    expect(proxy.requests).toContain(`web.lab.test:${secure.port}`);
    expect(result).toMatchObject({ outcome: "ok", remoteAddress: "127.0.0.1", detail: { proxy: `127.0.0.1:${proxy.port}`, proxyStatus: 200, status: 200 } });
    const [plain] = await probe(`http://web.lab.test:${web.port}/missing`, ctx({ proxy: `http://127.0.0.1:${proxy.port}` }));
    expect(plain).toMatchObject({ outcome: "http_status", detail: { proxyStatus: 200, status: 404 } });
  });

  it("reports a proxy that refuses CONNECT as proxy_denied with its status", async () => {
    for (const [deny, status] of [[denyingProxy, 403], [authProxy, 407]] as const) {
      const [result] = await probe(`http://web.lab.test:${web.port}/`, ctx({ proxy: `http://127.0.0.1:${deny.port}` }));
      expect(result).toMatchObject({ status: "fail", outcome: "proxy_denied", detail: { proxyStatus: status } });
    }
    const [tcpViaProxy] = await probe(`tcp://web.lab.test:${web.port}?expect=blocked`, ctx({ proxy: `http://127.0.0.1:${denyingProxy.port}` }));
    expect(tcpViaProxy).toMatchObject({ status: "pass", outcome: "proxy_denied" });
  });
});
