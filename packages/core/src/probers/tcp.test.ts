import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsLookup, probe } from "./index.js";
import { closedTcpPort, dnsResponder, tcpListener, type Listening } from "./test-servers/index.js";
import { connectTries, forgetDestinationTimings } from "./timing.js";
import type { ProbeContext } from "./types.js";

let listener: Listening;
let closedPort: number;
let dns: Listening;
const ctx = (extra: Partial<ProbeContext> = {}): Partial<ProbeContext> => ({
  region: "test-1",
  checkId: "c1",
  timeoutMs: 2000,
  lookup: dnsLookup({ server: `127.0.0.1:${dns.port}`, timeoutMs: 300 }),
  ...extra,
});

beforeAll(async () => {
  listener = await tcpListener();
  closedPort = await closedTcpPort();
  dns = await dnsResponder({ "svc.lab.test": [{ type: "A", data: "127.0.0.1" }] }, { silent: ["slow.lab.test"] });
});
afterAll(async () => {
  await listener.close();
  await dns.close();
});

describe("tcp prober", () => {
  it("connects to an open port: ok, pass, connect timing and address", async () => {
    const [result] = await probe(`tcp://127.0.0.1:${listener.port}`, ctx());
    expect(result).toMatchObject({ checkId: "c1", kind: "tcp", region: "test-1", status: "pass", outcome: "ok", remoteAddress: "127.0.0.1" });
    expect(result!.phases.connectMs).toBeGreaterThanOrEqual(0);
    expect(result!.phases.dnsMs).toBeUndefined();
    expect(Date.parse(result!.at)).not.toBeNaN();
  });

  it("learns the destination's timing from its answer, unless connectHistory is off (a fixed timeout)", async () => {
    forgetDestinationTimings();
    const [fixed] = await probe(`tcp://127.0.0.1:${listener.port}`, ctx({ connectHistory: false }));
    expect(fixed).toMatchObject({ status: "pass", outcome: "ok" });
    expect(connectTries("127.0.0.1", 2000)).toEqual([2000]);
    await probe(`tcp://127.0.0.1:${listener.port}`, ctx());
    expect(connectTries("127.0.0.1", 2000)).toEqual([1000, 1000]);
  });

  it("resolves names through ctx.lookup and times the lookup", async () => {
    const [result] = await probe(`tcp://svc.lab.test:${listener.port}`, ctx());
    expect(result).toMatchObject({ outcome: "ok", remoteAddress: "127.0.0.1", target: `tcp://svc.lab.test:${listener.port}` });
    expect(result!.phases.dnsMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a refused port as tcp_refused", async () => {
    const [result] = await probe(`tcp://127.0.0.1:${closedPort}`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "tcp_refused", detail: { errno: "ECONNREFUSED" } });
  });

  it("tells NXDOMAIN from a resolver timeout", async () => {
    const [missing] = await probe(`tcp://nope.lab.test:${listener.port}`, ctx());
    expect(missing).toMatchObject({ status: "fail", outcome: "dns_nxdomain", detail: { errno: "ENOTFOUND" } });
    const [slow] = await probe(`tcp://slow.lab.test:${listener.port}`, ctx());
    expect(slow).toMatchObject({ status: "fail", outcome: "dns_timeout" });
  });

  it("inverts pass/fail with expect=blocked and keeps what was seen", async () => {
    const [closed] = await probe(`tcp://127.0.0.1:${closedPort}?expect=blocked`, ctx());
    expect(closed).toMatchObject({ status: "pass", outcome: "tcp_refused", expect: "blocked" });
    const [open] = await probe(`tcp://127.0.0.1:${listener.port}`, ctx(), { expect: "blocked" });
    expect(open).toMatchObject({ status: "fail", outcome: "ok", expect: "blocked" });
  });

  it("dials the lab port but reports the real one", async () => {
    const [result] = await probe("tcp://svc.lab.test:443", ctx({ dial: (_host, port) => ({ port: port === 443 ? listener.port : port, note: "lab map" }) }));
    expect(result).toMatchObject({ target: "tcp://svc.lab.test:443", outcome: "ok", detail: { labPort: listener.port, labNote: "lab map" } });
  });

  it("binds the region's source address and reports it as egressIp", async () => {
    const [result] = await probe(`tcp://127.0.0.1:${listener.port}`, ctx({ localAddress: "127.0.0.2" }));
    expect(result).toMatchObject({ outcome: "ok", egressIp: "127.0.0.2", detail: { localAddress: "127.0.0.2" } });
  });

  it("opens every socket through ctx.connect and honours an outcome its error declares", async () => {
    const seen: string[] = [];
    const guarded = ctx({
      connect: (opts) => {
        seen.push(`${opts.host}:${opts.port}`);
        if (opts.port === 1) throw Object.assign(new Error("blocked by policy"), { outcome: "invalid_target" });
        return net.connect(opts);
      },
    });
    const [allowed] = await probe(`tcp://svc.lab.test:${listener.port}`, guarded);
    const [denied] = await probe("tcp://svc.lab.test:1", guarded);
    expect(seen).toEqual([`127.0.0.1:${listener.port}`, "127.0.0.1:1"]);
    expect(allowed!.outcome).toBe("ok");
    expect(denied).toMatchObject({ status: "fail", outcome: "invalid_target", detail: { error: "blocked by policy" } });
  });

  it("passes a range where some ports listen and the rest refuse, as on a real host; fails one with no open port", async () => {
    const host = (open: number[]) => ctx({ dial: (_host, port) => ({ port: open.includes(port) ? listener.port : closedPort }) });
    const results = await probe("tcp://svc.lab.test:9300-9310", { ...host([9300, 9302]), checkId: "es" });
    expect(results.map((r) => [r.target, r.outcome, r.status])).toEqual([
      ["tcp://svc.lab.test:9300", "ok", "pass"],
      ["tcp://svc.lab.test:9302", "ok", "pass"],
      ["tcp://svc.lab.test:9300-9310", "ok", "pass"],
    ]);
    expect(results.at(-1)!.detail).toMatchObject({ ports: 11, open: 2, closed: 9, filtered: 0, openPorts: [9300, 9302] });
    const [none] = await probe("tcp://svc.lab.test:9300-9310", host([]));
    expect(none).toMatchObject({ outcome: "tcp_refused", status: "fail", detail: { open: 0, closed: 11 } });
  });

  it("reports a range that ctx.connect refused port by port as invalid_target, not as unreachable", async () => {
    const refuse = ctx({ connect: () => { throw Object.assign(new Error("blocked by policy"), { outcome: "invalid_target" }); } });
    const [whole] = await probe("tcp://127.0.0.1:20-29", refuse);
    expect(whole).toMatchObject({ status: "fail", outcome: "invalid_target", detail: { ports: 10, open: 0, closed: 0, filtered: 0, refused: 10, openPorts: [] } });
    const partly = ctx({ connect: (opts) => {
      if (opts.port !== listener.port) throw Object.assign(new Error("blocked by policy"), { outcome: "invalid_target" });
      return net.connect(opts);
    } });
    const results = await probe(`tcp://127.0.0.1:${listener.port - 1}-${listener.port}`, partly);
    expect(results.at(-1)).toMatchObject({ outcome: "tcp_refused", detail: { open: 1, refused: 1, openPorts: [listener.port] } });
  });

  it("connects to IPv6 literals", async () => {
    const v6 = await tcpListener("::1");
    try {
      const [result] = await probe(`tcp://[::1]:${v6.port}`, ctx());
      expect(result).toMatchObject({ outcome: "ok", remoteAddress: "::1", target: `tcp://[::1]:${v6.port}` });
    } finally {
      await v6.close();
    }
  });

  it("turns a malformed URI into one invalid_target result", async () => {
    const results = await probe("tcp://host", ctx());
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "fail", outcome: "invalid_target", target: "tcp://host", kind: "tcp" });
    expect(String(results[0]!.detail!.error)).toContain("tcp needs a port");
  });
});
