import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostEntryOf } from "../../packages/functions/src/alerts/index.js";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";
import { startReceiver } from "../chatops/receiver.js";
import { startPagerDuty } from "../support/pagerduty.js";

/**
 * Alerting in the local mesh (`npm start` with a profile): region workers as processes, DynamoDB
 * Local, the API over HTTP, a PagerDuty Events v2 stand-in that validates each event and a Slack
 * receiver, both on loopback, secrets from PROBEMESH_SECRET_*. One failing check pages, one inside a
 * maintenance window does not (its incident is tagged, the API shows the window).
 */

const ROUTING_KEY = "fedcba9876543210fedcba9876543210";

describe("alerting in the mesh", () => {
  let mesh: Mesh | undefined;
  let listener: Server;
  let pagerduty: Awaited<ReturnType<typeof startPagerDuty>>;
  let slack: Awaited<ReturnType<typeof startReceiver>>;
  const targets: Record<"paged" | "maintained" | "fine", string> = { paged: "", maintained: "", fine: "" };

  const closedPort = async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    return port;
  };

  beforeAll(async () => {
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    targets.fine = `tcp://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    targets.paged = `tcp://127.0.0.1:${await closedPort()}`;
    targets.maintained = `tcp://127.0.0.1:${await closedPort()}`;
    pagerduty = await startPagerDuty();
    slack = await startReceiver();
    const dataDir = mkdtempSync(join(tmpdir(), "pm-mesh-alerting-"));
    const profile = join(dataDir, "profile.json");
    const now = Date.now();
    writeFileSync(
      profile,
      JSON.stringify({
        targets: Object.values(targets),
        maintenance: [{ name: "db move", start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString(), match: { check: targets.maintained } }],
        destinations: { pager: { type: "pagerduty", secret: "PagerKey", url: pagerduty.url }, chat: { type: "slack", secret: "ChatHook" } },
        routes: [{ match: { severity: "critical" }, to: ["pager", "chat"] }],
      }),
    );
    mesh = await startMesh({
      env: {
        ...process.env,
        PORT: "0",
        PROBEMESH_PROFILE: profile,
        PROBEMESH_REGIONS: "us-east-1,eu-west-1",
        PROBEMESH_DATA_DIR: join(dataDir, "dynamo"),
        PROBEMESH_WEBHOOK_HOSTS: [pagerduty.url, slack.url()].map(hostEntryOf).join(","),
        PROBEMESH_FAIL_THRESHOLD: "1",
        PROBEMESH_PROBE_TIMEOUT_MS: "1000",
        PROBEMESH_SECRET_PagerKey: ROUTING_KEY,
        PROBEMESH_SECRET_ChatHook: slack.url("/chat"),
      },
      autoStart: false,
      web: false,
    });
  }, 120_000);
  afterAll(async () => {
    await mesh?.stop();
    listener?.close();
    await pagerduty?.close();
    await slack?.close();
  });

  it("pages the failing check through PagerDuty and Slack, mutes the one in maintenance, and /healthz and /v1/status say so", async () => {
    await mesh!.runRound();
    expect(pagerduty.rejected).toEqual([]);
    const idOf = (target: string) => mesh!.checks.find((check) => check.target === target)!.checkId;
    expect(pagerduty.events).toEqual([
      expect.objectContaining({ routing_key: ROUTING_KEY, event_action: "trigger", dedup_key: expect.stringContaining(idOf(targets.paged)), payload: expect.objectContaining({ severity: "critical" }) }),
    ]);
    expect(slack.posts.map((p) => p.body.text)).toEqual([expect.stringContaining(`DOWN: ${targets.paged}`)]);

    const status = (await (await fetch(`${mesh!.url}/v1/status`)).json()) as any;
    const byTarget = (target: string) => status.checks.find((c: any) => c.checkId === idOf(target));
    expect(byTarget(targets.maintained)).toMatchObject({ verdict: "down", maintenance: [{ name: "db move" }] });
    expect(byTarget(targets.paged)).toMatchObject({ verdict: "down", maintenance: [] });
    expect(status.maintenance).toEqual([expect.objectContaining({ name: "db move", checks: 1 })]);
    const incidents = (await (await fetch(`${mesh!.url}/v1/incidents`)).json()) as any;
    expect(incidents.incidents.find((i: any) => i.checkId === idOf(targets.maintained))).toMatchObject({ alerted: false, maintenance: ["db move"] });

    const health = (await (await fetch(`${mesh!.url}/healthz`)).json()) as any;
    expect(health.alerts).toMatchObject({ destinations: ["pager", "chat"], problems: [], failing: [] });
    expect(health.alerts.deliveries.map((d: any) => [d.destination, d.ok, d.event]).sort()).toEqual([
      ["chat", true, "incident.opened"],
      ["pager", true, "incident.opened"],
    ]);
    expect(health.deadMansSwitch).toMatchObject({ tripped: false });
  }, 60_000);
});
