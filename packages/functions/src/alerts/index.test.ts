import type { Check } from "@probemesh/core/check";
import type { Incident } from "@probemesh/core/store";
import { createStore, ensureTable } from "@probemesh/core/store";
import { afterEach, describe, expect, it } from "vitest";
import { startReceiver } from "../../../../test/chatops/receiver.js";
import { dynamoClient, uniqueTableName } from "../../../../test/support/dynamo.js";
import { assertWebhookUrl, createAlerter, hostEntryOf, pagerDutyEvent, parseHostEntry, postJson, slackAlert, WebhookFailedError, WebhookRefusedError } from "./index.js";

const INCIDENT: Incident = {
  id: "inc-1",
  checkId: "chk-a",
  openedAt: "2026-01-01T10:00:00.000Z",
  verdict: "down",
  regions: ["us-east-1", "eu-west-1"],
  outcomes: { tcp_timeout: 2 },
};
const RESOLVED: Incident = { ...INCIDENT, resolvedAt: "2026-01-01T10:42:00.000Z" };
/** Each receiver a test starts is added by its host:port, as PROBEMESH_WEBHOOK_HOSTS would list it. */
const policy = { allowedHosts: ["hooks.slack.com"] };
const fast = { baseDelayMs: 1, attempts: 4 };

async function realStore() {
  const client = dynamoClient();
  const tableName = uniqueTableName("alerts");
  await ensureTable(client, tableName, { timeToLive: false });
  return createStore({ client, tableName });
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
async function receiver(statuses: number[] = []) {
  const r = await startReceiver(statuses);
  closers.push(r.close);
  policy.allowedHosts.push(hostEntryOf(r.url()));
  return r;
}

describe("alerts", () => {
  it("posts opened and resolved to Slack and the JSON webhook, each exactly once", async () => {
    const store = await realStore();
    const slack = await receiver();
    const json = await receiver();
    const alert = createAlerter({ store, slackWebhookUrl: slack.url("/slack"), webhookUrl: json.url("/json"), policy, post: fast, describeCheck: () => "Kong Konnect / cp0 tcp://cp0.example:443" });

    await alert({ opened: [INCIDENT], resolved: [] });
    // The same transition again (a second scheduler run, a retried Lambda, two concurrent ones): nothing new.
    await Promise.all([alert({ opened: [INCIDENT], resolved: [] }), alert({ opened: [INCIDENT], resolved: [] })]);
    await alert({ opened: [], resolved: [RESOLVED] });
    await alert({ opened: [], resolved: [RESOLVED] });

    expect(slack.posts.map((p) => p.body.text)).toEqual([
      ":red_circle: DOWN: Kong Konnect / cp0 tcp://cp0.example:443 — failing from us-east-1, eu-west-1",
      ":large_green_circle: RESOLVED: Kong Konnect / cp0 tcp://cp0.example:443 — up again after 42 min",
    ]);
    expect(slack.posts[0]!.body.blocks[0].type).toBe("section");
    expect(json.posts.map((p) => p.body.event)).toEqual(["incident.opened", "incident.resolved"]);
    expect(json.posts[1]!.body).toMatchObject({ incident: RESOLVED, check: { checkId: "chk-a" } });
    expect(json.posts.map((p) => p.headers["idempotency-key"])).toEqual(["inc-1:opened", "inc-1:resolved"]);
  });

  it("retries 5xx and 429 with backoff, then succeeds once", async () => {
    const store = await realStore();
    const json = await receiver([503, 429, 200]);
    await createAlerter({ store, webhookUrl: json.url(), policy, post: fast })({ opened: [INCIDENT], resolved: [] });
    expect(json.posts).toHaveLength(3);
    expect(new Set(json.posts.map((p) => JSON.stringify(p.body))).size).toBe(1);
  });

  it("gives up after the last attempt, logs it, and never resends that transition", async () => {
    const store = await realStore();
    const json = await receiver([500, 500, 500, 500]);
    const logged: string[] = [];
    const alert = createAlerter({ store, webhookUrl: json.url(), policy, post: fast, log: (m) => logged.push(m) });
    await alert({ opened: [INCIDENT], resolved: [] });
    await alert({ opened: [INCIDENT], resolved: [] });
    expect(json.posts).toHaveLength(4);
    expect(logged).toEqual([expect.stringMatching(/alert incident\.opened \(inc-1:opened\) to webhook not delivered: POST to 127\.0\.0\.1:\d+ failed: HTTP 500/)]);
    // The failure is kept per destination for /healthz.
    expect(await store.alertDeliveries()).toEqual([expect.objectContaining({ destination: "webhook", ok: false, event: "incident.opened", attempts: 4, error: expect.stringContaining("HTTP 500") })]);
    const ok = await receiver();
    await createAlerter({ store, webhookUrl: ok.url(), policy, post: fast })({ opened: [], resolved: [RESOLVED] });
    expect(await store.alertDeliveries()).toEqual([expect.objectContaining({ destination: "webhook", ok: true, event: "incident.resolved", attempts: 1 })]);
  });

  it("routes by product, component, region and severity to named destinations; no fitting route, no alert", async () => {
    const store = await realStore();
    const oncall = await receiver();
    const team = await receiver();
    const checks: Record<string, Check> = {
      "chk-a": { checkId: "chk-a", target: "tcp://a:1", product: "kong-konnect", component: "data-plane" },
      "chk-b": { checkId: "chk-b", target: "tcp://b:1", product: "strongdm", component: "gateway" },
    };
    const alert = createAlerter({
      store,
      policy,
      post: fast,
      checkOf: (id) => checks[id],
      destinations: [
        { name: "oncall", kind: "webhook", url: oncall.url("/oncall") },
        { name: "team", kind: "webhook", url: team.url("/team") },
      ],
      routes: [
        { match: { product: "kong-konnect", severity: "critical" }, to: ["oncall", "team"] },
        { match: { region: ["ap-southeast-2"] }, to: ["team"] },
      ],
    });
    const degraded: Incident = { ...INCIDENT, id: "inc-2", verdict: "degraded" };
    const apOnly: Incident = { ...INCIDENT, id: "inc-3", checkId: "chk-b", regions: ["ap-southeast-2"] };
    const nowhere: Incident = { ...INCIDENT, id: "inc-4", checkId: "chk-b" };
    await alert({ opened: [INCIDENT, degraded, apOnly, nowhere], resolved: [] });
    expect(oncall.posts.map((p) => p.body.incident.id)).toEqual(["inc-1"]);
    expect(team.posts.map((p) => p.body.incident.id).sort()).toEqual(["inc-1", "inc-3"]);
  });

  it("says how many days an expiring certificate has left, in Slack and in PagerDuty's summary", () => {
    const expiring: Incident = { ...INCIDENT, outcomes: { tls_cert_expiring: 2 }, daysLeft: 5 };
    expect(slackAlert(expiring, "opened", "tls://api.example:443").text).toBe(":red_circle: DOWN: tls://api.example:443 — certificate expires in 5 days from us-east-1, eu-west-1");
    const event = pagerDutyEvent("k".repeat(32), { kind: "opened", incident: expiring }) as { payload: { summary: string; custom_details: { daysLeft: number } } };
    expect(event.payload.summary).toContain("certificate expires in 5 days");
    expect(event.payload.custom_details.daysLeft).toBe(5);
  });

  it("reminds about incidents still open every reminderMinutes, once per reminder", async () => {
    const store = await realStore();
    const json = await receiver();
    let now = new Date("2026-01-01T10:20:00.000Z");
    const alert = createAlerter({ store, webhookUrl: json.url(), policy, post: fast, reminderMinutes: 30, now: () => now });
    const open = { ...INCIDENT, alerted: true };
    const held = { ...INCIDENT, id: "inc-held", alerted: false };
    await alert.remind([open, held]);
    expect(json.posts).toHaveLength(0);
    now = new Date("2026-01-01T10:31:00.000Z");
    await alert.remind([open, held]);
    await alert.remind([open, held]);
    now = new Date("2026-01-01T11:05:00.000Z");
    await alert.remind([open, held]);
    expect(json.posts.map((p) => [p.body.event, p.headers["idempotency-key"]])).toEqual([
      ["incident.reminder", "inc-1:reminder-1"],
      ["incident.reminder", "inc-1:reminder-2"],
    ]);
  });
});

describe("outbound posts", () => {
  it("do not retry a 4xx other than 408/429", async () => {
    const json = await receiver([404]);
    await expect(postJson(json.url(), {}, { policy, ...fast })).rejects.toMatchObject({ attempts: 1, status: 404 });
    expect(json.posts).toHaveLength(1);
  });

  it("do not follow redirects", async () => {
    const json = await receiver([302]);
    await expect(postJson(json.url(), {}, { policy, ...fast })).rejects.toBeInstanceOf(WebhookFailedError);
    expect(json.posts).toHaveLength(1);
  });

  it("go only to listed hosts, over https (plain http only to a listed loopback host)", () => {
    expect(assertWebhookUrl("https://hooks.slack.com/commands/T1/2/x", policy).host).toBe("hooks.slack.com");
    const lab = { allowedHosts: ["hooks.slack.com", "127.0.0.1:9999", "[::1]:8080", "Hooks.Example.test:8443"] };
    expect(assertWebhookUrl("http://127.0.0.1:9999/x", lab).port).toBe("9999");
    expect(assertWebhookUrl("http://[::1]:8080/x", lab).port).toBe("8080");
    expect(assertWebhookUrl("https://hooks.example.test:8443/x", lab).host).toBe("hooks.example.test:8443");
    // The allow-list names host AND port: the same host on another port (Redis, the metadata service…) is refused.
    for (const url of ["http://127.0.0.1:6379/", "http://127.0.0.1/", "https://hooks.slack.com:8443/x", "https://hooks.example.test/x", "http://[::1]:6379/"]) {
      expect(() => assertWebhookUrl(url, lab), url).toThrow(/is not in PROBEMESH_WEBHOOK_HOSTS/);
    }
    expect(() => assertWebhookUrl("http://127.0.0.1:9999/x", { allowedHosts: ["127.0.0.1"] }), "a bare host means 443").toThrow(WebhookRefusedError);
    for (const url of [
      "http://hooks.slack.com/commands/x",
      "https://hooks.slack.com.evil.example/x",
      "https://evil.example/x",
      "https://user:pw@hooks.slack.com/x",
      "http://169.254.169.254/latest",
      "http://localhost:9999/x",
      "file:///etc/passwd",
      "not a url",
    ]) {
      expect(() => assertWebhookUrl(url, policy), url).toThrow(WebhookRefusedError);
    }
  });

  it("parse allow-list entries as host (443) or host:port", () => {
    expect(parseHostEntry("hooks.slack.com")).toEqual({ host: "hooks.slack.com", port: 443 });
    expect(parseHostEntry("127.0.0.1:6379")).toEqual({ host: "127.0.0.1", port: 6379 });
    expect(parseHostEntry("[::1]:80")).toEqual({ host: "::1", port: 80 });
    expect(parseHostEntry("::1")).toEqual({ host: "::1", port: 443 });
    for (const bad of ["", "host:0", "host:70000", "https://host/", "a b"]) expect(parseHostEntry(bad), bad).toBeUndefined();
    expect(hostEntryOf("http://127.0.0.1/x")).toBe("127.0.0.1:80");
    expect(hostEntryOf("https://hooks.slack.com/x")).toBe("hooks.slack.com:443");
  });

  it("never open a connection to a refused URL", async () => {
    const json = await receiver();
    await expect(postJson(json.url(), {}, { policy: { allowedHosts: ["hooks.slack.com"] }, ...fast })).rejects.toBeInstanceOf(WebhookRefusedError);
    expect(json.posts).toHaveLength(0);
  });
});
