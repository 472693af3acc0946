/**
 * The dead man's switch of an agent location end to end through the composition root: heartbeats posted to
 * the real API with the location's token, scheduler rounds with the real probe function, DynamoDB Local, a
 * PagerDuty Events v2 stand-in that validates every event and a Slack-shaped receiver. The clock is the test's.
 */
import * as net from "node:net";
import { ensureTable } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostEntryOf } from "../../packages/functions/src/alerts/index.js";
import { createApp } from "../../packages/functions/src/api/index.js";
import { appDepsOf } from "../../packages/functions/src/api/deps.js";
import { loadSettings } from "../../packages/functions/src/config/index.js";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { roundDepsOf, runRound } from "../../packages/functions/src/rounds/index.js";
import { createRuntime, type Runtime } from "../../packages/functions/src/runtime/index.js";
import { startReceiver } from "../chatops/receiver.js";
import { dynamoClient, dynamoEndpoint, uniqueTableName } from "../support/dynamo.js";
import { startPagerDuty } from "../support/pagerduty.js";

const TOKEN = "dc1-agent-token-0123456789";
const ROUTING_KEY = "0123456789abcdef0123456789abcdef";
const T0 = Date.parse("2026-12-03T12:00:00.000Z");
let now = new Date(T0);
let open: net.Server;
let pagerduty: Awaited<ReturnType<typeof startPagerDuty>>;
let slack: Awaited<ReturnType<typeof startReceiver>>;
let runtime: Runtime;

beforeAll(async () => {
  open = net.createServer((socket) => socket.end());
  await new Promise<void>((resolve) => open.listen(0, "127.0.0.1", resolve));
  pagerduty = await startPagerDuty();
  slack = await startReceiver();
  const tableName = uniqueTableName("silence");
  await ensureTable(dynamoClient(), tableName, { timeToLive: false });
  const profile = {
    targets: ["tcp://pay.lab.test:443"],
    regions: ["us-east-1"],
    destinations: { pager: { type: "pagerduty", secret: "PagerKey", url: pagerduty.url }, chat: { type: "slack", secret: "ChatHook" } },
  };
  runtime = await createRuntime(
    loadSettings({
      PROBEMESH_PROFILE_JSON: JSON.stringify(profile),
      PROBEMESH_REGIONS: "us-east-1",
      PROBEMESH_TABLE: tableName,
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      PROBEMESH_AGENT_TOKENS: `dc-1:${TOKEN}`,
      PROBEMESH_WEBHOOK_HOSTS: [pagerduty.url, slack.url()].map(hostEntryOf).join(","),
      PROBEMESH_SECRET_PagerKey: ROUTING_KEY,
      PROBEMESH_SECRET_ChatHook: slack.url("/chat"),
      PROBEMESH_INTERVAL_S: "60",
    }),
  );
});
afterAll(async () => {
  runtime?.destroy();
  await Promise.all([pagerduty?.close(), slack?.close(), new Promise((resolve) => open.close(resolve))]);
});

/** The API on the test's clock (the agent routes stamp heartbeats with it). */
function app() {
  const deps = appDepsOf(runtime);
  return createApp({ ...deps, now: () => now, agents: { ...deps.agents!, now: () => now } });
}

async function heartbeat(): Promise<void> {
  const res = await app().request("/v1/agents/dc-1/heartbeat", {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ at: now.toISOString(), ok: true, intervalS: 60, checks: 1 }),
  });
  expect(res.status).toBe(200);
}

function round() {
  const port = (open.address() as net.AddressInfo).port;
  const probeFunction = createProbeFunction({
    store: runtime.store,
    guard: runtime.guard,
    timeoutMs: 1000,
    context: () => ({ lookup: async () => [{ address: "127.0.0.1", family: 4 }], dial: () => ({ port }) }),
  });
  return runRound({ ...roundDepsOf(runtime), now: () => now, runProbe: (invocation) => probeFunction(invocation, { getRemainingTimeInMillis: () => 20_000 }) });
}

const at = (s: number) => (now = new Date(T0 + s * 1000));

describe("an agent location that stops reporting", () => {
  it("pages once after 3 of its intervals without a heartbeat, /healthz names it, and resolves when it reports again", async () => {
    await heartbeat();
    at(60);
    await round();
    expect(pagerduty.events).toEqual([]);

    // 181 s after the last heartbeat: silent. Later rounds while it stays silent send nothing more.
    at(181);
    await round();
    at(241);
    await round();
    expect(pagerduty.rejected).toEqual([]);
    expect(pagerduty.events).toEqual([
      expect.objectContaining({ event_action: "trigger", dedup_key: "probemesh-deadman-agent:dc-1", payload: expect.objectContaining({ severity: "critical", component: "agent", summary: expect.stringContaining("agent location agent:dc-1 has not reported since 2026-12-03T12:00:00.000Z") }) }),
    ]);
    expect(slack.posts.map((p) => p.body.text)).toEqual([expect.stringMatching(/^:rotating_light: probemesh: agent location agent:dc-1 has not reported/)]);
    const health = (await (await app().request("/healthz")).json()) as { silentAgents: unknown };
    expect(health.silentAgents).toEqual([{ region: "agent:dc-1", lastRoundAt: new Date(T0).toISOString(), limitS: 180 }]);

    // It reports again: the next round resolves the page, once.
    at(300);
    await heartbeat();
    at(301);
    await round();
    at(330);
    await round();
    expect(pagerduty.events.map((e) => [e.event_action, e.dedup_key])).toEqual([
      ["trigger", "probemesh-deadman-agent:dc-1"],
      ["resolve", "probemesh-deadman-agent:dc-1"],
    ]);
    expect(slack.posts.at(-1)!.body.text).toMatch(/^:large_green_circle: probemesh: agent location agent:dc-1 is reporting again/);
    expect(slack.posts).toHaveLength(2);
    expect(((await (await app().request("/healthz")).json()) as { silentAgents: unknown }).silentAgents).toEqual([]);
  }, 60_000);
});
