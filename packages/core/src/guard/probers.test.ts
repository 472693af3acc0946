import { createServer, connect as netConnect, type AddressInfo, type Server } from "node:net";
import { createSocket } from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../engine/index.js";
import type { ProbeContext } from "../probers/index.js";
import { createGuard, DEFAULT_POLICY, guardContext, type GuardPolicy } from "./index.js";

/**
 * The guard in front of the real probers and engine: a refused destination becomes an
 * `invalid_target` failure carrying the guard's reason, and the injected network functions
 * never see it. All sockets that do open stay on 127.0.0.0/8.
 */

/** Allows exactly 127.0.0.2 (a named test range), so loopback stays refused everywhere else. */
const ONLY_127_0_0_2: GuardPolicy = { allow: [{ name: "test-range", cidr: "127.0.0.2/32" }], ports: DEFAULT_POLICY.ports };

let server: Server;
let port: number;
const accepted: string[] = [];

beforeAll(async () => {
  server = createServer((socket) => {
    accepted.push(socket.localAddress ?? "?");
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.2", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function network(answers: (hostname: string, call: number) => string) {
  const reached: string[] = [];
  const calls = new Map<string, number>();
  const ctx: Pick<ProbeContext, "lookup" | "connect" | "udpSocket"> = {
    async lookup(hostname) {
      const call = (calls.get(hostname) ?? 0) + 1;
      calls.set(hostname, call);
      reached.push(`lookup ${hostname}`);
      return [{ address: answers(hostname, call), family: 4 }];
    },
    connect(opts) {
      reached.push(`connect ${opts.host}:${opts.port}`);
      return netConnect({ host: opts.host, port: opts.port });
    },
    udpSocket(type) {
      reached.push(`udp ${type}`);
      const socket = createSocket(type);
      const send = socket.send.bind(socket) as (...args: unknown[]) => void;
      socket.send = ((...args: unknown[]) => {
        reached.push(`send ${String(args[2])}`);
        send(...args);
      }) as typeof socket.send;
      return socket;
    },
  };
  return { ctx, reached };
}

describe("guarded probers", () => {
  it("DNS rebinding: the first answer (allowed) is probed, the second (loopback) is refused before any connect", async () => {
    const net = network((_host, call) => (call === 1 ? "127.0.0.2" : "127.0.0.1"));
    const context = { ...guardContext(net.ctx, createGuard(ONLY_127_0_0_2)), region: "test" };
    const target = `tcp://rebind.test:${port}`;
    const [first] = await runChecks([{ checkId: "c", target }], { context, concurrency: 1, timeoutMs: 2000 });
    const [second] = await runChecks([{ checkId: "c", target }], { context, concurrency: 1, timeoutMs: 2000 });
    expect(first).toMatchObject({ status: "pass", outcome: "ok", remoteAddress: "127.0.0.2" });
    expect(second).toMatchObject({ status: "fail", outcome: "invalid_target" });
    expect(JSON.stringify(second!.detail)).toMatch(/rebind\.test resolved to 127\.0\.0\.1.*loopback/);
    expect(net.reached).toEqual(["lookup rebind.test", `connect 127.0.0.2:${port}`, "lookup rebind.test"]);
    expect(accepted).toEqual(["127.0.0.2"]);
  });

  it.each([
    ["tcp", (p: number) => `tcp://127.0.0.1:${p}`],
    ["tls", (p: number) => `tls://127.0.0.1:${p}`],
    ["http", (p: number) => `http://127.0.0.1:${p}/`],
    ["dns resolver", () => "dns://127.0.0.53:53/example.com"],
    ["udp", () => "udp://127.0.0.1:53?payload=00"],
    ["metadata via a name", () => "http://metadata.test/latest"],
  ])("%s to a refused address yields invalid_target and never reaches the network", async (_kind, uri) => {
    const net = network(() => "169.254.169.254");
    const context = { ...guardContext(net.ctx, createGuard(DEFAULT_POLICY)), region: "test" };
    const results = await runChecks([{ checkId: "c", target: uri(port) }], { context, concurrency: 1, timeoutMs: 2000 });
    expect(results.length).toBeGreaterThan(0);
    for (const result of results) expect(result).toMatchObject({ status: "fail", outcome: "invalid_target" });
    expect(net.reached.filter((r) => !r.startsWith("lookup") && !r.startsWith("udp udp"))).toEqual([]);
  });

  it("a port range on a refused literal address: every port refused by the guard, none reached", async () => {
    const net = network(() => "169.254.169.254");
    const context = { ...guardContext(net.ctx, createGuard(DEFAULT_POLICY)), region: "test" };
    const [summary, ...rest] = await runChecks([{ checkId: "c", target: "tcp://127.0.0.1:64000-64010" }], { context, concurrency: 1, timeoutMs: 2000 });
    // The range prober folds per-port refusals into its summary (counted under detail.errors).
    expect(rest).toEqual([]);
    expect(summary).toMatchObject({ status: "fail", detail: { open: 0, ports: 11, errors: { invalid_target: 11 } } });
    expect(net.reached).toEqual([]);
  });

  it("a port range on a name that resolves inside is refused as a whole at lookup", async () => {
    const net = network(() => "10.1.2.3");
    const context = { ...guardContext(net.ctx, createGuard(DEFAULT_POLICY)), region: "test" };
    const results = await runChecks([{ checkId: "c", target: "tcp://internal.test:64000-64010" }], { context, concurrency: 1, timeoutMs: 2000 });
    for (const result of results) expect(result).toMatchObject({ status: "fail", outcome: "invalid_target" });
    expect(net.reached).toEqual(["lookup internal.test"]);
  });
});
