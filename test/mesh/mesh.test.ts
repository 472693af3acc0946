import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Check } from "@probemesh/core/check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";

const TOKEN = "mesh-test-token";

type RegionView = { status: string; outcome: string; state: string; detail: Record<string, unknown> | null };
type CheckView = { checkId: string; target: string; regions: Record<string, RegionView> };

/** The whole local mesh on free ports (in-memory DynamoDB Local), driven round by round through HTTP. */
describe("local mesh: scheduler → Invoke API workers → lab → store → API", () => {
  let mesh: Mesh;
  // Incident alerts from the mesh's scheduler land here (a JSON webhook on loopback).
  let receiver: Server;
  const alerts: Array<{ event: string; incident: { id: string; checkId: string } }> = [];
  const get = async (path: string) => {
    const res = await fetch(`${mesh.url}${path}`);
    expect(res.status, path).toBe(200);
    return res.json();
  };
  const hostOf = (target: string) => /^\w+:\/\/([^/:?]+)/.exec(target)?.[1];
  const portOf = (target: string) => Number(/^\w+:\/\/[^/:?]+:(\d+)(?:[/?]|$)/.exec(target)?.[1] ?? (target.startsWith("https:") ? 443 : NaN));

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        alerts.push(JSON.parse(body));
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    mesh = await startMesh({ port: 0, inMemory: true, autoStart: false, web: false, apiTokens: [TOKEN], alerts: { webhookUrl } });
  });
  afterAll(async () => {
    await mesh?.stop();
    receiver?.close();
  });

  it("one round: every region answers through the real Lambda client and the lab's faults show per region", async () => {
    const report = await mesh.runRound();
    expect(report.regions.map((r) => [r.region, r.ok])).toEqual([
      ["us-east-1", true],
      ["eu-west-1", true],
      ["ap-southeast-2", true],
    ]);
    expect(report.checks).toBe(mesh.checks.length);
    expect(mesh.checks.length).toBeGreaterThan(50);

    const regions = await get("/v1/regions");
    expect(regions.regions.map((r: { region: string; ok: boolean; stale: boolean }) => [r.region, r.ok, r.stale])).toEqual([
      ["us-east-1", true, false],
      ["eu-west-1", true, false],
      ["ap-southeast-2", true, false],
    ]);

    const { checks } = (await get("/v1/checks")) as { checks: CheckView[] };
    const faults = mesh.lab!.faults;
    const refused = faults.find((f) => f.kind === "refused")!;
    const refusedCheck = checks.find((c) => c.target.startsWith("tls:") && hostOf(c.target) === (refused as { host: string }).host)!;
    expect(refusedCheck.regions["us-east-1"]).toMatchObject({ status: "pass", outcome: "ok" });
    for (const region of ["eu-west-1", "ap-southeast-2"]) {
      expect(refusedCheck.regions[region]).toMatchObject({ status: "fail", outcome: "tcp_refused" });
      expect(String(refusedCheck.regions[region]!.detail?.labNote)).toContain(`lab fault: ${region}`);
    }

    const nx = faults.find((f) => f.kind === "nxdomain") as { host: string; region: string };
    const nxChecks = checks.filter((c) => !c.target.startsWith("icmp:") && hostOf(c.target) === nx.host);
    expect(nxChecks.length).toBeGreaterThan(0);
    for (const check of nxChecks) {
      expect(check.regions["ap-southeast-2"]).toMatchObject({ status: "fail", outcome: "dns_nxdomain" });
      expect(check.regions["eu-west-1"]).toMatchObject({ status: "pass" });
    }

    const hang = faults.find((f) => f.kind === "hang") as { host: string; port: number };
    const stuck = checks.find((c) => hostOf(c.target) === hang.host && portOf(c.target) === hang.port && /^(tls|https):/.test(c.target))!;
    expect(stuck.regions["us-east-1"]!.status).toBe("fail");
    expect(stuck.regions["eu-west-1"]).toMatchObject({ status: "pass", outcome: "ok" });

    // The real port stays in the target; the lab port is in detail.
    const plain = checks.find((c) => c.target.startsWith("tcp://") && c.regions["eu-west-1"]?.outcome === "ok")!;
    expect(plain.regions["eu-west-1"]!.detail?.labPort).toEqual(expect.any(Number));
    expect(plain.regions["eu-west-1"]!.detail?.labPort).not.toBe(portOf(plain.target));
  });

  it("a second round: verdicts across regions (down with the quorum, degraded below it) and raw history per region", async () => {
    await mesh.runRound();
    const status = await get("/v1/status");
    const refused = mesh.lab!.faults.find((f) => f.kind === "refused") as { host: string };
    const nx = mesh.lab!.faults.find((f) => f.kind === "nxdomain") as { host: string };
    const labelled = (host: string) => status.checks.filter((c: { label: string }) => c.label.includes(` ${host} `));
    expect(labelled(refused.host).some((c: { verdict: string }) => c.verdict === "down")).toBe(true);
    expect(labelled(nx.host).every((c: { verdict: string }) => c.verdict === "degraded")).toBe(true);
    expect(status.summary.up).toBeGreaterThan(status.summary.down);
    expect(status.summary.up + status.summary.degraded + status.summary.down + status.summary.unknown).toBe(status.checks.length);

    const check = status.checks.find((c: { verdict: string }) => c.verdict === "down");
    const history = await get(`/v1/checks/${check.checkId}/history?bucket=raw`);
    expect(history.series).toHaveLength(6);
    expect(new Set(history.series.map((b: { region: string }) => b.region))).toEqual(new Set(mesh.regions));
    const hourly = await get(`/v1/checks/${check.checkId}/history?bucket=1h&region=eu-west-1`);
    expect(hourly.series.reduce((n: number, b: { counts: { fail: number } }) => n + b.counts.fail, 0)).toBe(2);

    const incidents = await get("/v1/incidents");
    expect(incidents.incidents.some((i: { checkId: string }) => i.checkId === check.checkId)).toBe(true);
    // Every opened incident was alerted exactly once, through the mesh's scheduler.
    const opened = alerts.filter((a) => a.event === "incident.opened");
    expect(opened.some((a) => a.incident.checkId === check.checkId)).toBe(true);
    expect(new Set(opened.map((a) => a.incident.id)).size).toBe(opened.length);
    const openIds = incidents.incidents.filter((i: { resolvedAt?: string }) => !i.resolvedAt).map((i: { id: string }) => i.id);
    expect(opened.map((a) => a.incident.id).sort()).toEqual(expect.arrayContaining(openIds));
    const metrics = await (await fetch(`${mesh.url}/metrics`)).text();
    for (const region of mesh.regions) expect(metrics).toMatch(new RegExp(`probemesh_probe_duration_seconds_count\\{region="${region}",kind="tcp"\\} [1-9]`));
  });

  it("an on-demand probe is invoked per region (Event) and its results arrive in the probe record", async () => {
    const nx = mesh.lab!.faults.find((f) => f.kind === "nxdomain") as { host: string };
    const target: Check["target"] = mesh.checks.find((c) => c.target.startsWith("tcp://") && hostOf(c.target) === nx.host)!.target;
    const res = await fetch(`${mesh.url}/v1/probes`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ targets: [target] }),
    });
    expect(res.status).toBe(202);
    const { id } = await res.json();
    let record: { pending: string[]; results: Array<{ region: string; outcome: string }> } = { pending: mesh.regions, results: [] };
    for (let i = 0; i < 100 && record.pending.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      record = await get(`/v1/probes/${id}`);
    }
    expect(record.pending).toEqual([]);
    const byRegion = Object.fromEntries(record.results.map((r) => [r.region, r.outcome]));
    expect(byRegion).toEqual({ "us-east-1": "ok", "eu-west-1": "ok", "ap-southeast-2": "dns_nxdomain" });
  });
});
