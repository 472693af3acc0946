import { createServer, type Server } from "node:net";
import { createGuard, DEFAULT_POLICY, LAB_POLICY } from "@probemesh/core/guard";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

/** The probe function on a real store: deadline below the Lambda timeout, guard for on-demand probes. */
describe("probe handler", () => {
  let store: Store;
  let silent: Server;
  let open: Server;
  const port = (server: Server) => (server.address() as { port: number }).port;

  beforeAll(async () => {
    const client = dynamoClient();
    const tableName = uniqueTableName("probe");
    await ensureTable(client, tableName, { timeToLive: false });
    store = createStore({ client, tableName });
    // Accepts TCP but never speaks TLS: the handshake can only end by the deadline.
    silent = createServer(() => {});
    open = createServer((socket) => socket.end());
    await Promise.all([silent, open].map((s) => new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve))));
  });
  afterAll(() => {
    silent?.close();
    open?.close();
  });

  it("stops at a deadline below the Lambda timeout and stores what was cut off as inconclusive", async () => {
    const handler = createProbeFunction({ store, guard: createGuard(LAB_POLICY), timeoutMs: 20_000, writeMarginMs: 1000 });
    const checks = [
      { checkId: "open", target: `tcp://127.0.0.1:${port(open)}` },
      { checkId: "stuck", target: `tls://127.0.0.1:${port(silent)}` },
    ];
    const summary = await handler({ region: "eu-west-1", roundId: "r1", checks }, { getRemainingTimeInMillis: () => 1500 });
    expect(summary).toMatchObject({ region: "eu-west-1", roundId: "r1", checks: 2, unfinished: 1, counts: { pass: 1, fail: 0, inconclusive: 1 } });
    const latest = await store.latest();
    const stuck = latest.find((e) => e.checkId === "stuck" && e.region === "eu-west-1")!;
    expect(stuck.result.status).toBe("inconclusive");
    expect(stuck.result.detail?.deadline).toBeDefined();
  });

  it("runs on-demand probes behind the SSRF guard and records them in the probe record", async () => {
    const handler = createProbeFunction({ store, guard: createGuard(DEFAULT_POLICY), timeoutMs: 2000 });
    await store.createProbe({ id: "p-1", targets: ["x"], regions: ["eu-west-1"], requestedBy: "test", createdAt: new Date().toISOString() });
    const summary = await handler(
      { region: "eu-west-1", roundId: "p-1", probeId: "p-1", checks: [{ checkId: "loop", target: `tcp://127.0.0.1:${port(open)}` }] },
      { getRemainingTimeInMillis: () => 30_000 },
    );
    expect(summary.counts.pass).toBe(0);
    const record = await store.getProbe("p-1");
    expect(record?.done).toEqual(["eu-west-1"]);
    expect(record?.results[0]).toMatchObject({ status: "fail", detail: expect.objectContaining({ address: "127.0.0.1" }) });
    expect(String(record?.results[0]?.detail?.error)).toMatch(/loopback range that on-demand probes may not reach/);
  });

  it("refuses a blocked on-demand target before any lookup, socket or file read", async () => {
    const touched: string[] = [];
    const handler = createProbeFunction({
      store,
      guard: createGuard(DEFAULT_POLICY),
      context: () => ({
        lookup: async (host) => (touched.push(`lookup ${host}`), [{ address: "93.184.216.34", family: 4 }]),
        connect: (opts) => {
          touched.push(`connect ${opts.host}`);
          throw new Error("no socket may open");
        },
      }),
    });
    await store.createProbe({ id: "p-2", targets: ["x"], regions: ["eu-west-1"], requestedBy: "test", createdAt: new Date().toISOString() });
    const checks = [
      { checkId: "ca-file", target: "tls://service.example.test:443?ca=/etc/shadow" },
      { checkId: "metadata", target: "http://169.254.169.254/latest/meta-data/" },
    ];
    const summary = await handler({ region: "eu-west-1", roundId: "p-2", probeId: "p-2", checks }, { getRemainingTimeInMillis: () => 30_000 });
    expect(summary.counts).toEqual({ pass: 0, fail: 2, inconclusive: 0 });
    expect(touched).toEqual([]);
    const record = await store.getProbe("p-2");
    const byCheck = Object.fromEntries(record!.results.map((r) => [r.checkId, r]));
    expect(byCheck["ca-file"]).toMatchObject({ outcome: "invalid_target", detail: expect.objectContaining({ blockedBy: "guard", reason: "blocked_parameter" }) });
    expect(byCheck["metadata"]).toMatchObject({ outcome: "invalid_target", detail: expect.objectContaining({ blockedBy: "guard", reason: "blocked_address" }) });
  });

  it("refuses an invocation meant for another region", async () => {
    const handler = createProbeFunction({ store, region: "us-east-1", guard: createGuard(DEFAULT_POLICY) });
    await expect(handler({ region: "eu-west-1", roundId: "r", checks: [] }, { getRemainingTimeInMillis: () => 10_000 })).rejects.toThrow(
      /runs in us-east-1, not eu-west-1/,
    );
  });
});
