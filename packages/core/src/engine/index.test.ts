import { performance } from "node:perf_hooks";
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Check } from "../check/index.js";
import { closedTcpPort, httpListener, type Listening } from "../probers/test-servers/index.js";
import type { ProbeContext } from "../probers/index.js";
import type { ProbeResult } from "../result/index.js";
import { runChecks } from "./index.js";

let slow: Listening;
/** Sockets of requests to /hang, which are never answered. */
const hanging: net.Socket[] = [];
let inFlight = 0;
let maxInFlight = 0;
let closedPort: number;

beforeAll(async () => {
  slow = await httpListener((req, res) => {
    if (req.url?.startsWith("/hang")) return void hanging.push(req.socket);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      res.end("ok");
    }, 60);
  });
  closedPort = await closedTcpPort();
});
afterAll(() => slow.close());

const check = (checkId: string, target: string, extra: Partial<Check> = {}): Check => ({ checkId, target, ...extra });

describe("runChecks", () => {
  it("never has more than `concurrency` checks in flight and returns results in check order", async () => {
    maxInFlight = 0;
    const checks = Array.from({ length: 12 }, (_, i) => check(`c${i}`, `http://127.0.0.1:${slow.port}/${i}`));
    const seen: string[] = [];
    const results = await runChecks(checks, { context: { region: "eu-west-1" }, concurrency: 3, timeoutMs: 2000, onResult: (r) => seen.push(r.checkId) });
    expect(maxInFlight).toBe(3);
    expect(results.map((r) => r.checkId)).toEqual(checks.map((c) => c.checkId));
    expect(results.every((r) => r.status === "pass" && r.region === "eu-west-1")).toBe(true);
    expect(seen.sort()).toEqual(checks.map((c) => c.checkId).sort());
  });

  it("honours check.expect over the URI and reports invalid targets as results", async () => {
    const results = await runChecks(
      [
        check("blocked", `tcp://127.0.0.1:${closedPort}`, { expect: "blocked" }),
        check("reachable", `tcp://127.0.0.1:${closedPort}?expect=blocked`, { expect: "reachable" }),
        check("bad", "tcp://no-port"),
      ],
      { context: { region: "r" }, concurrency: 2, timeoutMs: 1000 },
    );
    expect(results.map((r) => [r.checkId, r.outcome, r.status])).toEqual([
      ["blocked", "tcp_refused", "pass"],
      ["reachable", "tcp_refused", "fail"],
      ["bad", "invalid_target", "fail"],
    ]);
    expect(results[0]!.expect).toBe("blocked");
  });

  it("probes a target listed under several checks once and files the results under each check", async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    // Every connect goes to this test's listener, so the 2-port range touches no other port of the host.
    const connect: ProbeContext["connect"] = (opts) => net.connect({ ...opts, port });
    try {
      const seen: string[] = [];
      const results = await runChecks(
        [
          check("kong-dp", "tcp://127.0.0.1:443"),
          check("range", "tcp://127.0.0.1:20-21"),
          check("kong-cp", "tcp://127.0.0.1:443"),
          check("must-be-closed", "tcp://127.0.0.1:443", { expect: "blocked" }),
          check("range-again", "tcp://127.0.0.1:20-21"),
        ],
        { context: { region: "r", connect }, concurrency: 4, timeoutMs: 1000, onResult: (r) => seen.push(r.checkId) },
      );
      expect(results.map((r) => [r.checkId, r.outcome, r.status])).toEqual([
        ["kong-dp", "ok", "pass"],
        ["range-20", "ok", "pass"],
        ["range-21", "ok", "pass"],
        ["range", "ok", "pass"],
        ["kong-cp", "ok", "pass"],
        ["must-be-closed", "ok", "fail"],
        ["range-again-20", "ok", "pass"],
        ["range-again-21", "ok", "pass"],
        ["range-again", "ok", "pass"],
      ]);
      // One connect for the two plain checks, one for the blocked one, two for the range (shared by both range checks).
      await vi.waitFor(() => expect(connections).toBe(4));
      expect(seen).toHaveLength(9);
      expect(results[4]).toEqual({ ...results[0], checkId: "kong-cp" });
    } finally {
      server.close();
    }
  });

  it("retries a probe that timed out or was reset within the round (default once) and records the attempts", async () => {
    // Each path fails its first request (hang or reset) and answers the next one.
    const seen = new Map<string, number>();
    const flaky = await httpListener((req, res) => {
      const count = (seen.get(req.url!) ?? 0) + 1;
      seen.set(req.url!, count);
      if (count === 1 && req.url!.startsWith("/hang")) return;
      if (count === 1 && req.url!.startsWith("/reset")) return void req.socket.resetAndDestroy();
      res.end("ok");
    });
    try {
      const base = `http://127.0.0.1:${flaky.port}`;
      const results = await runChecks(
        [check("timeout", `${base}/hang`), check("reset", `${base}/reset`), check("no-retry", `${base}/hang-again`, { retries: 0 }), check("refused", `tcp://127.0.0.1:${closedPort}`)],
        { context: { region: "r" }, concurrency: 4, timeoutMs: 300, retryBackoffMs: () => 10 },
      );
      expect(results.map((r) => [r.checkId, r.outcome, r.detail?.attempts])).toEqual([
        ["timeout", "ok", 2],
        ["reset", "ok", 2],
        ["no-retry", "http_timeout", undefined],
        ["refused", "tcp_refused", undefined],
      ]);
      expect(results[0]!.detail!.retried).toEqual([expect.objectContaining({ outcome: "http_timeout" })]);
      expect(results[1]!.detail!.retried).toEqual([expect.objectContaining({ outcome: "http_status" })]);
      expect(seen).toEqual(new Map([["/hang", 2], ["/reset", 2], ["/hang-again", 1]]));
    } finally {
      await flaky.close();
    }
  });

  it("ends unfinished checks as inconclusive at the deadline instead of dropping them", async () => {
    const checks = [
      check("fast", `tcp://127.0.0.1:${slow.port}`),
      check("hang-1", `http://127.0.0.1:${slow.port}/hang`),
      check("hang-2", `http://127.0.0.1:${slow.port}/hang?expect=blocked`),
      check("queued", `dns://127.0.0.1:${closedPort}/x.test`),
    ];
    const emitted: ProbeResult[] = [];
    const started = performance.now();
    const results = await runChecks(checks, { context: { region: "r" }, concurrency: 2, timeoutMs: 10_000, deadlineMs: 300, onResult: (r) => emitted.push(r) });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);
    expect(results.map((r) => [r.checkId, r.status, r.outcome])).toEqual([
      ["fast", "pass", "ok"],
      ["hang-1", "inconclusive", "http_timeout"],
      ["hang-2", "inconclusive", "http_timeout"],
      ["queued", "inconclusive", "dns_timeout"],
    ]);
    expect(results[1]!.detail).toMatchObject({ deadline: true, started: true });
    expect(results[2]!.expect).toBe("blocked");
    expect(results[3]!.detail).toMatchObject({ deadline: true, started: false });
    expect(emitted.map((r) => r.checkId).sort()).toEqual(["fast", "hang-1", "hang-2", "queued"]);
    // Aborted probes finishing later must not add anything: wait until both hung probes have
    // closed their sockets (the server sees it after the prober settled), then one more turn.
    await Promise.all(hanging.splice(0).map((socket) => (socket.closed ? undefined : new Promise((resolve) => socket.once("close", resolve)))));
    await new Promise((resolve) => setImmediate(resolve));
    expect(emitted).toHaveLength(4);
  });
});
