/**
 * Alert policy end to end: real probe functions (the engine against loopback listeners, one
 * port map per region), rounds, a store on DynamoDB Local, the alerter posting to a loopback
 * webhook receiver, and the API reading the stored verdict model. Covers maintenance windows
 * (probing and storage go on, alerts muted, incidents tagged, the API shows the window), per-check
 * `alertOn` and `quorum`.
 */
import * as net from "node:net";
import type { Check } from "@probemesh/core/check";
import { createGuard, DEFAULT_POLICY } from "@probemesh/core/guard";
import type { MaintenanceWindow } from "@probemesh/core/maintenance";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlerter, hostEntryOf } from "../../packages/functions/src/alerts/index.js";
import { createApp } from "../../packages/functions/src/api/index.js";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { runRound, type RoundDeps } from "../../packages/functions/src/rounds/index.js";
import { deps as appDeps, REGIONS } from "../api/helpers.js";
import { startReceiver } from "../chatops/receiver.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

const [US, EU, AP] = REGIONS as [string, string, string];
/** The port every check names; each region's port map sends it to the open or the closed listener. */
const PORT = 443;

let open: net.Server;
let openPort: number;
let closedPort: number;
let store: Store;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
/** Which checks fail in which regions this round (the test flips it between rounds). */
let failing: Record<string, string[]> = {};

const check = (checkId: string, extra: Partial<Check> = {}): Check => ({
  checkId,
  target: `tcp://${checkId}.lab.test:${PORT}`,
  label: checkId,
  product: "kong-konnect",
  component: "data-plane",
  ...extra,
});

beforeAll(async () => {
  open = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => open.listen(0, "127.0.0.1", resolve));
  openPort = (open.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const client = dynamoClient();
  const tableName = uniqueTableName("alerting");
  await ensureTable(client, tableName, { timeToLive: false });
  store = createStore({ client, tableName });
  receiver = await startReceiver();
});
afterAll(async () => {
  await new Promise((resolve) => open.close(resolve));
  await receiver.close();
});

function roundDeps(checks: Check[], maintenance?: MaintenanceWindow[]): RoundDeps {
  const probeFunction = createProbeFunction({
    store,
    guard: createGuard(DEFAULT_POLICY),
    timeoutMs: 1000,
    context: (region) => ({
      lookup: async () => [{ address: "127.0.0.1", family: 4 }],
      dial: (host) => ({ port: failing[host.split(".")[0]!]?.includes(region) ? closedPort : openPort }),
    }),
  });
  const alert = createAlerter({ store, webhookUrl: receiver.url("/alerts"), policy: { allowedHosts: [hostEntryOf(receiver.url())] }, post: { baseDelayMs: 1 } });
  return {
    store,
    regions: REGIONS,
    checks: () => checks,
    runProbe: (invocation) => probeFunction(invocation, { getRemainingTimeInMillis: () => 20_000 }),
    onTransitions: alert,
    roundDeadlineMs: 10_000,
    staleAfterMs: 150_000,
    ...(maintenance ? { maintenance } : {}),
  };
}

/** The alerts posted so far, as `event checkId`. */
const posted = () => receiver.posts.filter((p) => p.path === "/alerts").map((p) => `${p.body.event} ${p.body.incident.checkId}`);

describe("alert policy across rounds (real probes, DynamoDB Local, webhook receiver)", () => {
  it("mutes alerts inside a maintenance window while probing and storage go on, tags the incident, shows the window, and alerts once it outlasts the window", async () => {
    const checks = [check("upgrade"), check("other", { product: "strongdm", component: "client" })];
    const now = Date.now();
    const window: MaintenanceWindow = {
      name: "kong upgrade",
      start: new Date(now - 60_000).toISOString().slice(0, 16) + "Z",
      end: new Date(now + 30 * 60_000).toISOString().slice(0, 16) + "Z",
      match: { product: "kong-konnect" },
    };
    failing = { upgrade: [US, EU, AP] };
    const inside = roundDeps(checks, [window]);
    await runRound(inside);
    const second = await runRound(inside);
    // The check went down and an incident opened (stored), but nothing was posted.
    expect(second.opened).toBe(1);
    expect(posted()).toEqual([]);
    const latest = await store.latest();
    expect(latest.filter((e) => e.checkId === "upgrade").map((e) => [e.region, e.state, e.result.outcome]).sort()).toEqual([
      [AP, "down", "tcp_refused"],
      [EU, "down", "tcp_refused"],
      [US, "down", "tcp_refused"],
    ]);
    const [incident] = await store.incidents({ from: new Date(now - 3600_000).toISOString(), to: new Date(Date.now() + 1000).toISOString() });
    expect(incident).toMatchObject({ checkId: "upgrade", verdict: "down", alerted: false, maintenance: ["kong upgrade"] });

    // The API shows the active window on the check and once at the top.
    const app = createApp(appDeps(store, { checks: () => checks }));
    const status = (await (await app.request("/v1/status")).json()) as any;
    const upgrade = status.checks.find((c: any) => c.checkId === "upgrade");
    expect(upgrade).toMatchObject({ verdict: "down", maintenance: [{ name: "kong upgrade", endsAt: new Date(window.end!).toISOString() }] });
    expect(status.checks.find((c: any) => c.checkId === "other").maintenance).toEqual([]);
    expect(status.maintenance).toEqual([{ name: "kong upgrade", startedAt: new Date(window.start!).toISOString(), endsAt: new Date(window.end!).toISOString(), checks: 1 }]);

    // The window is over (a profile without it) and the check still fails: now it alerts, still tagged.
    await runRound(roundDeps(checks));
    expect(posted()).toEqual(["incident.opened upgrade"]);
    expect(receiver.posts.at(-1)!.body.incident).toMatchObject({ alerted: true, maintenance: ["kong upgrade"] });
    failing = {};
    await runRound(roundDeps(checks));
    await runRound(roundDeps(checks));
    expect(posted()).toEqual(["incident.opened upgrade", "incident.resolved upgrade"]);
  });

  it("alertOn any alerts on one failing region, alertOn quorum waits for the quorum, and a check's quorum decides down", async () => {
    receiver.posts.length = 0;
    const checks = [check("egress", { alertOn: "any" }), check("majority", { alertOn: "quorum" }), check("single", { alertOn: "quorum", quorum: 1 })];
    failing = { egress: [EU], majority: [EU], single: [EU] };
    await runRound(roundDeps(checks));
    await runRound(roundDeps(checks));
    const status = (await (await createApp(appDeps(store, { checks: () => checks })).request("/v1/status")).json()) as any;
    const verdicts = Object.fromEntries(status.checks.filter((c: any) => checks.some((k) => k.checkId === c.checkId)).map((c: any) => [c.checkId, c.verdict]));
    expect(verdicts).toEqual({ egress: "degraded", majority: "degraded", single: "down" });
    expect(posted().sort()).toEqual(["incident.opened egress", "incident.opened single"]);

    // A second region fails: the majority is down, so the held-back incident alerts now.
    failing = { egress: [EU], majority: [EU, US], single: [EU] };
    await runRound(roundDeps(checks));
    await runRound(roundDeps(checks));
    expect(posted().sort()).toEqual(["incident.opened egress", "incident.opened majority", "incident.opened single"]);
  });
});
