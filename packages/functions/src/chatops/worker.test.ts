import { randomUUID } from "node:crypto";
import type { ProbeResult } from "@probemesh/core/result";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { afterEach, describe, expect, it } from "vitest";
import { startReceiver } from "../../../../test/chatops/receiver.js";
import { hostEntryOf } from "../alerts/index.js";
import { dynamoClient, uniqueTableName } from "../../../../test/support/dynamo.js";
import type { ProbeInvocation } from "../invoke/payloads.js";
import { parseChatopsJob, runChatopsJob, type ChatopsJob } from "./worker.js";

/**
 * The worker against the real store; each region's probe function is stood in for by a
 * dispatcher that writes that region's results into the probe record after a delay
 * (the mesh round trip in test/chatops runs the real probe functions).
 */

async function newStore(): Promise<Store> {
  const client = dynamoClient();
  const tableName = uniqueTableName("worker");
  await ensureTable(client, tableName, { timeToLive: false });
  return createStore({ client, tableName });
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function resultFor(invocation: ProbeInvocation, status: ProbeResult["status"]): ProbeResult[] {
  return invocation.checks.map((check) => ({
    checkId: check.checkId,
    target: check.target,
    kind: "tcp",
    region: invocation.region,
    at: new Date().toISOString(),
    status,
    outcome: status === "pass" ? "ok" : "tcp_timeout",
    durationMs: 5,
    phases: {},
  }));
}

type RegionBehaviour = { afterPosts: number; status?: ProbeResult["status"] } | "silent" | "broken";

/**
 * Stand-ins for the region functions. A region reports once the receiver holds `afterPosts`
 * posts, so the finishing order is fixed without relying on timers; `silent` regions never
 * report, `broken` ones cannot be invoked.
 */
function regionsDispatcher(store: Store, posts: unknown[], plan: Record<string, RegionBehaviour>) {
  const dispatched: string[] = [];
  const dispatchProbe = async (invocation: ProbeInvocation) => {
    const behaviour = plan[invocation.region];
    if (behaviour === "broken") throw new Error(`ResourceNotFoundException: no probe function in ${invocation.region}`);
    dispatched.push(invocation.region);
    if (behaviour === "silent" || !behaviour) return;
    void (async () => {
      while (posts.length < behaviour.afterPosts) await new Promise((resolve) => setTimeout(resolve, 5));
      await store.addProbeResults(invocation.probeId!, invocation.region, resultFor(invocation, behaviour.status ?? "pass"));
    })();
  };
  return { dispatchProbe, dispatched };
}

function job(responseUrl: string, regions: string[]): ChatopsJob {
  return {
    kind: "slack-probe",
    id: randomUUID(),
    what: "tcp://example.com:443",
    checks: [{ checkId: "c1", target: "tcp://example.com:443" }],
    regions,
    responseUrl,
    requestedBy: "slack:T1:U1",
  };
}

describe("runChatopsJob", () => {
  it("posts an update per region in finishing order, then the summary", async () => {
    const store = await newStore();
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { dispatchProbe } = regionsDispatcher(store, receiver.posts, { "us-east-1": { afterPosts: 2 }, "eu-west-1": { afterPosts: 0, status: "fail" }, "ap-southeast-2": { afterPosts: 1 } });
    const probe = job(receiver.url(), ["us-east-1", "eu-west-1", "ap-southeast-2"]);
    await runChatopsJob(probe, { store, dispatchProbe, webhookPolicy: { allowedHosts: [hostEntryOf(receiver.url())] }, pollIntervalMs: 20 });
    expect(receiver.posts.map((p) => p.body.text)).toEqual([
      "eu-west-1: 0 pass, 1 fail, 0 inconclusive",
      "ap-southeast-2: 1 pass, 0 fail, 0 inconclusive",
      "us-east-1: 1 pass, 0 fail, 0 inconclusive",
      "tcp://example.com:443: degraded",
    ]);
    // The probe record is the same one GET /v1/probes/:id serves.
    const record = await store.getProbe(probe.id);
    expect(record).toMatchObject({ requestedBy: "slack:T1:U1", targets: ["tcp://example.com:443"] });
    expect([...record!.done].sort()).toEqual(["ap-southeast-2", "eu-west-1", "us-east-1"]);
  });

  it("stays within Slack's five posts per response_url when there are many regions", async () => {
    const store = await newStore();
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const regions = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "sa-east-1"];
    const { dispatchProbe } = regionsDispatcher(store, receiver.posts, Object.fromEntries(regions.map((r, i) => [r, { afterPosts: Math.min(i, 3), status: i < 4 ? "fail" : "pass" }])));
    await runChatopsJob(job(receiver.url(), regions), { store, dispatchProbe, webhookPolicy: { allowedHosts: [hostEntryOf(receiver.url())] }, pollIntervalMs: 20 });
    expect(receiver.posts).toHaveLength(4);
    expect(receiver.posts.at(-1)!.body.text).toBe("tcp://example.com:443: down");
  });

  it("reports regions that cannot be invoked or never answer as silent (stale), not down", async () => {
    const store = await newStore();
    const receiver = await startReceiver();
    closers.push(receiver.close);
    const { dispatchProbe } = regionsDispatcher(store, receiver.posts, { "us-east-1": { afterPosts: 0 }, "eu-west-1": "silent", "ap-southeast-2": "broken" });
    await runChatopsJob(job(receiver.url(), ["us-east-1", "eu-west-1", "ap-southeast-2"]), {
      store,
      dispatchProbe,
      webhookPolicy: { allowedHosts: [hostEntryOf(receiver.url())] },
      pollIntervalMs: 20,
      deadlineMs: 500,
    });
    const texts = receiver.posts.map((p) => p.body.text);
    expect(texts).toEqual(["us-east-1: 1 pass, 0 fail, 0 inconclusive", "tcp://example.com:443: unknown"]);
    expect(JSON.stringify(receiver.posts[1]!.body.blocks)).toContain("No answer from eu-west-1, ap-southeast-2 (counted as stale, not down).");
  });

  it("retries a failed post and never posts to a response_url outside the policy", async () => {
    const store = await newStore();
    const receiver = await startReceiver([503]);
    closers.push(receiver.close);
    const { dispatchProbe } = regionsDispatcher(store, receiver.posts, { "us-east-1": { afterPosts: 0 } });
    await runChatopsJob(job(receiver.url(), ["us-east-1"]), { store, dispatchProbe, webhookPolicy: { allowedHosts: [hostEntryOf(receiver.url())] }, pollIntervalMs: 20, post: { baseDelayMs: 1 } });
    expect(receiver.posts.map((p) => p.body.text)).toEqual(["us-east-1: 1 pass, 0 fail, 0 inconclusive", "us-east-1: 1 pass, 0 fail, 0 inconclusive", "tcp://example.com:443: up"]);

    const elsewhere = await startReceiver();
    closers.push(elsewhere.close);
    const refused = regionsDispatcher(store, elsewhere.posts, { "us-east-1": { afterPosts: 0 } });
    await runChatopsJob(job(elsewhere.url(), ["us-east-1"]), { store, dispatchProbe: refused.dispatchProbe, webhookPolicy: { allowedHosts: ["hooks.slack.com"] }, pollIntervalMs: 20 });
    expect(elsewhere.posts).toEqual([]);
    // Nothing is probed for an answer that could not be delivered.
    expect(refused.dispatched).toEqual([]);
  });
});

describe("parseChatopsJob", () => {
  it("accepts the job the endpoint sends and explains a malformed one", () => {
    const valid = job("https://hooks.slack.com/commands/T1/1/x", ["us-east-1"]);
    expect(parseChatopsJob(JSON.parse(JSON.stringify(valid)))).toEqual(valid);
    expect(() => parseChatopsJob({ ...valid, checks: [] })).toThrow(/invalid chat-ops job: checks:/);
    expect(() => parseChatopsJob({ ...valid, kind: "other" })).toThrow(/invalid chat-ops job: kind/);
    expect(() => parseChatopsJob("nonsense")).toThrow(/invalid chat-ops job/);
  });
});
