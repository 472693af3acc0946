/**
 * Alert routing and the dead man's switch end to end through the composition root: a profile with
 * named destinations (a PagerDuty Events v2 stand-in that validates every event against the
 * published shape, a Slack-shaped receiver, a JSON webhook that keeps failing) and routes, secrets
 * read from the environment at run time, real probe functions, rounds, DynamoDB Local, /healthz.
 */
import * as net from "node:net";
import { ensureTable } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostEntryOf } from "../../packages/functions/src/alerts/index.js";
import { createApp } from "../../packages/functions/src/api/index.js";
import { appDepsOf } from "../../packages/functions/src/api/deps.js";
import { loadSettings } from "../../packages/functions/src/config/index.js";
import { startDeadmanWatch } from "../../packages/functions/src/deadman/index.js";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { roundDepsOf, runRound } from "../../packages/functions/src/rounds/index.js";
import { createRuntime, type Runtime } from "../../packages/functions/src/runtime/index.js";
import { startReceiver } from "../chatops/receiver.js";
import { dynamoClient, dynamoEndpoint, uniqueTableName } from "../support/dynamo.js";
import { startPagerDuty } from "../support/pagerduty.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const ROUTING_KEY = "0123456789abcdef0123456789abcdef";
let open: net.Server;
let openPort: number;
let closedPort: number;
let pagerduty: Awaited<ReturnType<typeof startPagerDuty>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let broken: Awaited<ReturnType<typeof startReceiver>>;
let runtime: Runtime;
/** Hosts (first label) that fail, per region. */
let failing: Record<string, string[]> = {};

beforeAll(async () => {
  open = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => open.listen(0, "127.0.0.1", resolve));
  openPort = (open.address() as net.AddressInfo).port;
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  pagerduty = await startPagerDuty();
  slack = await startReceiver();
  broken = await startReceiver(Array(100).fill(500));
  const tableName = uniqueTableName("routing");
  await ensureTable(dynamoClient(), tableName, { timeToLive: false });
  const profile = {
    targets: ["tcp://pay.lab.test:443", "tcp://docs.lab.test:443"],
    regions: REGIONS,
    destinations: {
      pager: { type: "pagerduty", secret: "PagerKey", url: pagerduty.url },
      chat: { type: "slack", secret: "ChatHook" },
      audit: { type: "webhook", url: broken.url("/audit") },
    },
    // Outages (critical) page and go to chat; anything else goes to chat and the audit hook.
    routes: [{ match: { severity: "critical" }, to: ["pager", "chat"] }, { to: ["chat", "audit"] }],
  };
  runtime = await createRuntime(
    loadSettings({
      PROBEMESH_PROFILE_JSON: JSON.stringify(profile),
      PROBEMESH_REGIONS: REGIONS.join(","),
      PROBEMESH_TABLE: tableName,
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      PROBEMESH_WEBHOOK_HOSTS: [pagerduty.url, slack.url(), broken.url()].map(hostEntryOf).join(","),
      PROBEMESH_SECRET_PagerKey: ROUTING_KEY,
      PROBEMESH_SECRET_ChatHook: slack.url("/chat"),
      PROBEMESH_INTERVAL_S: "60",
    }),
  );
});
afterAll(async () => {
  runtime?.destroy();
  await Promise.all([pagerduty?.close(), slack?.close(), broken?.close(), new Promise((resolve) => open.close(resolve))]);
});

/** The scheduler's dependencies from the composition root, with this test's probe function as every region. */
function round() {
  const probeFunction = createProbeFunction({
    store: runtime.store,
    guard: runtime.guard,
    timeoutMs: 1000,
    context: (region) => ({
      lookup: async () => [{ address: "127.0.0.1", family: 4 }],
      dial: (host) => ({ port: failing[host.split(".")[0]!]?.includes(region) ? closedPort : openPort }),
    }),
  });
  const deps = { ...roundDepsOf(runtime), runProbe: (invocation: Parameters<typeof probeFunction>[0]) => probeFunction(invocation, { getRemainingTimeInMillis: () => 20_000 }) };
  // The alerter's posts back off for 500 ms by default; the failing audit hook would hold each round for seconds.
  return runRound(deps);
}

const idOf = (host: string) => runtime.checks().find((check) => check.target.includes(`//${host}.`))!.checkId;

describe("alert routing (composition root, PagerDuty stand-in, DynamoDB Local)", () => {
  it("pages an outage with a stable dedup_key and resolves it; routes a degradation elsewhere; failures show in /healthz", async () => {
    failing = { pay: REGIONS, docs: ["eu-west-1"] };
    await round();
    await round();
    // pay is down (critical): PagerDuty trigger + chat. docs is degraded (warning): chat + the audit hook (which fails).
    expect(pagerduty.rejected).toEqual([]);
    expect(pagerduty.events).toEqual([
      expect.objectContaining({ routing_key: ROUTING_KEY, event_action: "trigger", dedup_key: expect.stringContaining(idOf("pay")), payload: expect.objectContaining({ severity: "critical", group: "custom" }) }),
    ]);
    const dedupKey = pagerduty.events[0]!.dedup_key;
    expect(slack.posts.map((p) => p.body.text).sort()).toEqual([expect.stringMatching(/^:red_circle: DEGRADED: tcp:\/\/docs/), expect.stringMatching(/^:red_circle: DOWN: tcp:\/\/pay/)]);
    expect(broken.posts.map((p) => p.body.event)).toEqual(["incident.opened", "incident.opened", "incident.opened", "incident.opened"]);

    const health = (await (await createApp(appDepsOf(runtime)).request("/healthz")).json()) as any;
    expect(health.alerts).toMatchObject({ destinations: ["pager", "chat", "audit"], problems: [], failing: ["audit"] });
    expect(health.alerts.deliveries).toEqual(
      expect.arrayContaining([expect.objectContaining({ destination: "audit", ok: false, attempts: 4 }), expect.objectContaining({ destination: "pager", ok: true })]),
    );
    expect(health.deadMansSwitch).toMatchObject({ tripped: false, limitS: 180 });

    // Recovery: the same dedup_key resolves the PagerDuty alert; each transition went out once.
    failing = {};
    await round();
    await round();
    await round();
    expect(pagerduty.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", dedupKey],
      ["resolve", dedupKey],
    ]);
    expect(slack.posts).toHaveLength(4);
  }, 60_000);

  it("trips the dead man's switch after 3 intervals without a round: /healthz says so and an alert goes out, once; recovers when rounds resume", async () => {
    pagerduty.events.length = 0;
    const lastRound = (await runtime.store.heartbeats()).map((h) => h.at).sort().at(-1)!;
    let now = new Date(Date.parse(lastRound) + 181_000);
    const health = (await (await createApp({ ...appDepsOf(runtime), now: () => now }).request("/healthz")).json()) as any;
    expect(health.deadMansSwitch).toEqual({ tripped: true, lastRoundAt: lastRound, limitS: 180 });

    const watch = startDeadmanWatch({ store: runtime.store, regions: REGIONS, intervalS: 60, alert: runtime.alert, now: () => now, everyMs: 3_600_000 });
    try {
      expect((await watch.check()).tripped).toBe(true);
      await watch.check();
      expect(pagerduty.events).toEqual([expect.objectContaining({ event_action: "trigger", dedup_key: "probemesh-deadman", payload: expect.objectContaining({ severity: "critical" }) })]);
      expect(slack.posts.at(-1)!.body.text).toMatch(/no round has completed since/);
      now = new Date();
      await round();
      expect((await watch.check()).tripped).toBe(false);
      expect(pagerduty.events.map((e) => e.event_action)).toEqual(["trigger", "resolve"]);
      expect(pagerduty.rejected).toEqual([]);
    } finally {
      watch.stop();
    }
  }, 60_000);
});
