import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import * as net from "node:net";
import { availableParallelism } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGuard, DEFAULT_POLICY, guardContext, LAB_POLICY } from "../guard/index.js";
import { createCA, issueCert, type CertificateAuthority } from "../pki/index.js";
import type { ProbeResult } from "../result/index.js";
import { defaultContext } from "./context.js";
import { probe } from "./index.js";
import { certificateCases, closedTcpPort, httpListener, type CertificateCases, type Listening } from "./test-servers/index.js";
import { destinationTiming, forgetDestinationTimings } from "./timing.js";
import { configureTlsPool, defaultTlsWorkers, tlsPool } from "./tls-pool.js";
import type { ProbeContext } from "./types.js";

let cases: CertificateCases;
let ca: CertificateAuthority;
let good: Listening, expiring: Listening, expired: Listening, untrusted: Listening, misnamed: Listening, garbage: Listening;
let web: Listening, expiringWeb: Listening, untrustedWeb: Listening;
let silent: net.Server;
const silentSockets: net.Socket[] = [];
let closed: number;
const ctx = (extra: Partial<ProbeContext> = {}): Partial<ProbeContext> => ({ region: "r", checkId: "t", timeoutMs: 2000, ca: [ca.certPem], ...extra });

beforeAll(async () => {
  cases = await certificateCases();
  ({ ca, good, expiring, expired, untrusted, misnamed, garbage } = cases);
  // Accepts TCP and never answers a ClientHello.
  silent = net.createServer((socket) => {
    silentSockets.push(socket);
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  closed = await closedTcpPort();
  const pages: Record<string, (res: import("node:http").ServerResponse) => void> = {
    "/": (res) => res.end("hello"),
    "/missing": (res) => res.writeHead(404).end("no"),
    "/hang": () => {},
  };
  const handler = (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => (pages[req.url ?? "/"] ?? ((r) => r.writeHead(400).end()))(res);
  web = await httpListener(handler, await issueCert(ca, { names: ["api.lab.test"] }));
  expiringWeb = await httpListener(handler, await issueCert(ca, { names: ["api.lab.test"], notAfter: new Date(Date.now() + 2 * 86_400_000 + 3_600_000) }));
  untrustedWeb = await httpListener(handler, await issueCert(await createCA({ name: "someone else" }), { names: ["api.lab.test"] }));
  await configureTlsPool({ workers: 2 });
  await tlsPool.ready();
});
afterAll(async () => {
  await configureTlsPool({ workers: 0 });
  await cases.close();
  await Promise.all([web, expiringWeb, untrustedWeb].map((listener) => listener.close()));
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

/** A result without what differs between any two runs: times, and the thread id OpenSSL puts first in its error strings. */
function comparable(result: ProbeResult | undefined) {
  const { at: _at, durationMs: _duration, phases, ...rest } = result!;
  const error = rest.detail?.error;
  const detail = typeof error === "string" ? { detail: { ...rest.detail, error: error.replace(/^[0-9A-F]+:error:/, "<thread>:error:") } } : {};
  return { ...rest, ...detail, phases: Object.keys(phases).sort() };
}

/** Probes `uri` through the pool, then in this thread; both results, and whether the pool took the first. */
async function bothWays(uri: string, extra: Partial<ProbeContext> = {}) {
  const before = tlsPool.handled;
  const pooled = await probe(uri, ctx(extra));
  const tookIt = tlsPool.handled === before + 1;
  await configureTlsPool({ workers: 0 });
  const here = await probe(uri, ctx(extra));
  await configureTlsPool({ workers: 2 });
  await tlsPool.ready();
  return { pooled, here, tookIt };
}

describe("tls worker pool", () => {
  it.each([
    ["a good handshake", () => `tls://127.0.0.1:${good.port}?servername=api.lab.test`],
    ["an IP SAN", () => `tls://127.0.0.1:${good.port}`],
    ["a certificate expiring within certMinDays", () => `tls://127.0.0.1:${expiring.port}?servername=api.lab.test`],
    ["certMinDays from the target", () => `tls://127.0.0.1:${expiring.port}?servername=api.lab.test&certMinDays=5`],
    ["an expired certificate", () => `tls://127.0.0.1:${expired.port}?servername=api.lab.test&certMinDays=30`],
    ["an untrusted certificate", () => `tls://127.0.0.1:${untrusted.port}?servername=api.lab.test`],
    ["a name mismatch", () => `tls://127.0.0.1:${misnamed.port}?servername=api.lab.test`],
    ["a peer that does not speak TLS", () => `tls://127.0.0.1:${garbage.port}`],
    ["a closed port, expected blocked", () => `tls://127.0.0.1:${closed}?expect=blocked`],
    ["an https GET", () => `https://127.0.0.1:${web.port}/?servername=api.lab.test`],
    ["an https status out of range", () => `https://127.0.0.1:${web.port}/missing?servername=api.lab.test`],
    ["an https GET behind an expiring certificate", () => `https://127.0.0.1:${expiringWeb.port}/?servername=api.lab.test`],
    ["an https server with an untrusted certificate (no GET)", () => `https://127.0.0.1:${untrustedWeb.port}/?servername=api.lab.test`],
    ["an https server that never answers the GET", () => `https://127.0.0.1:${web.port}/hang?servername=api.lab.test`, { timeoutMs: 300 }],
  ])("reports %s exactly as the in-thread path does", async (_name, uri, extra: Partial<ProbeContext> = {}) => {
    const { pooled, here, tookIt } = await bothWays(uri(), extra);
    expect(tookIt).toBe(true);
    expect(pooled.map(comparable)).toEqual(here.map(comparable));
  });

  it("measures connectMs and tlsMs in the worker, within the probe's duration", async () => {
    const before = tlsPool.handled;
    const [result] = await probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, ctx());
    expect(tlsPool.handled).toBe(before + 1);
    expect(result).toMatchObject({ outcome: "ok", detail: { protocol: "TLSv1.3", cert: { subject: "CN=api.lab.test" } } });
    const { connectMs, tlsMs } = result!.phases;
    expect(connectMs).toBeGreaterThanOrEqual(0);
    expect(tlsMs).toBeGreaterThan(0);
    expect(connectMs! + tlsMs!).toBeLessThanOrEqual(result!.durationMs);
  });

  it("spreads concurrent probes over the workers and the calling thread, and all pass", async () => {
    const before = tlsPool.handled;
    const results = await Promise.all(Array.from({ length: 32 }, () => probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, ctx())));
    expect(results.flat().map((r) => r.outcome)).toEqual(Array(32).fill("ok"));
    // Two workers and this thread take turns: most of the 32 in the workers, some here.
    const pooled = tlsPool.handled - before;
    expect(pooled).toBeGreaterThanOrEqual(16);
    expect(pooled).toBeLessThan(32);
  });

  it("feeds the connect answers it saw back into the destination's history", async () => {
    forgetDestinationTimings();
    await probe(`tls://127.0.0.1:${closed}`, ctx());
    await probe(`tls://127.0.0.1:${good.port}`, ctx());
    expect(destinationTiming("127.0.0.1").samples).toBe(2);
  });

  it("ends a probe when its signal aborts, as the in-thread path does", async () => {
    const controller = new AbortController();
    const before = tlsPool.handled;
    const { port } = silent.address() as net.AddressInfo;
    const pending = probe(`tls://127.0.0.1:${port}`, ctx({ signal: controller.signal, timeoutMs: 20_000 }));
    // The worker has connected and is in the handshake once its ClientHello arrives.
    await new Promise((resolve) => silent.once("connection", (socket: net.Socket) => socket.once("data", resolve)));
    controller.abort();
    const [result] = await pending;
    expect(tlsPool.handled).toBe(before + 1);
    expect(result).toMatchObject({ outcome: "tls_handshake_failed", detail: { error: "handshake timed out" } });
    expect(result!.durationMs).toBeLessThan(20_000);
  });

  it("takes guarded probes the guard allows, and leaves a refused destination to the guard's connect", async () => {
    const allowed = await bothWays(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, guardContext(defaultContext(ctx()), createGuard(LAB_POLICY)));
    expect(allowed.tookIt).toBe(true);
    expect(allowed.pooled.map(comparable)).toEqual(allowed.here.map(comparable));
    const before = tlsPool.handled;
    const blocked: string[] = [];
    const guarded = guardContext(defaultContext(ctx()), createGuard(DEFAULT_POLICY), (error) => blocked.push(error.message));
    // The lookup of an IP literal is the guard's first check; skip it to reach the connect-time check.
    const [refused] = await probe(`tls://127.0.0.1:${good.port}`, { ...guarded, lookup: async () => [{ address: "127.0.0.1", family: 4 }] });
    expect(tlsPool.handled).toBe(before);
    expect(refused).toMatchObject({ outcome: "invalid_target", status: "fail" });
    expect(blocked).toHaveLength(1);
  });

  it("leaves a connect that cannot say where it goes (no `allows`) in the calling thread", async () => {
    const dialled: string[] = [];
    const connect: ProbeContext["connect"] = (opts) => {
      dialled.push(`${opts.host}:${opts.port}`);
      return net.connect(opts);
    };
    const before = tlsPool.handled;
    const [result] = await probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, ctx({ connect }));
    expect(result).toMatchObject({ outcome: "ok" });
    expect(dialled).toEqual([`127.0.0.1:${good.port}`]);
    expect(tlsPool.handled).toBe(before);
  });
});

describe("a process with a TLS pool", () => {
  it("exits by itself once its probes are done: idle workers do not hold it", async () => {
    const here = new URL("./", import.meta.url).href;
    const script = `
      const { probe, configureTlsPool } = await import(${JSON.stringify(`${here}index.ts`)});
      const { tlsPool } = await import(${JSON.stringify(`${here}tls-pool.ts`)});
      await configureTlsPool({ workers: 2 });
      await tlsPool.ready();
      const [result] = await probe(${JSON.stringify(`tls://127.0.0.1:${good.port}?servername=api.lab.test`)}, { ca: [process.env.CA] });
      console.log(JSON.stringify({ outcome: result.outcome, handled: tlsPool.handled }));`;
    const tsx = createRequire(import.meta.url).resolve("tsx");
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["--import", tsx, "--input-type=module", "-e", script], { env: { ...process.env, CA: ca.certPem }, timeout: 30_000 }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out))),
    );
    expect(JSON.parse(stdout)).toEqual({ outcome: "ok", handled: 1 });
  });
});

describe("tls worker pool size", () => {
  it("is one worker per CPU but the calling thread's, none on one CPU", () => {
    expect(defaultTlsWorkers(1)).toBe(0);
    expect(defaultTlsWorkers(2)).toBe(1);
    expect(defaultTlsWorkers()).toBe(availableParallelism() - 1);
  });
});
