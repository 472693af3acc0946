import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../packages/functions/src/config/index.js";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";
import { createRuntime, type Runtime } from "../../packages/functions/src/runtime/index.js";
import { dynamoEndpoint } from "../support/dynamo.js";

/**
 * `npm start` and Lambda build their dependencies with the same factory from the same
 * settings: every variable of the README's configuration table has the same effect on the
 * mesh's runtime (and its worker processes) as on a Lambda runtime built from that environment.
 */

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const TOKEN = "one-runtime-token";

/** The variables of the README's configuration table, in order. */
function readmeVariables(): string[] {
  const section = README.slice(README.indexOf("## Configuration"));
  const table = section.slice(0, section.indexOf("\n## ", 3));
  return [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) => [...row[1]!.matchAll(/`([A-Z0-9_]+)`/g)].map((m) => m[1]!));
}

/** What each variable decides, read off a runtime. */
function effects(runtime: Runtime) {
  const { settings } = runtime;
  return {
    regions: settings.regions,
    staleAfterMs: runtime.staleAfterMs,
    roundDeadlineMs: runtime.roundDeadlineMs,
    apiTokens: settings.apiTokens,
    slack: settings.slackSigningSecret ?? null,
    webhookHosts: settings.webhookHosts,
    alerts: settings.alerts,
    guard: runtime.guard.policy,
    checks: runtime.checks().map((check) => check.checkId),
    thresholds: settings.thresholds,
    quorum: settings.quorum ?? null,
    probe: [settings.probeTimeoutMs, settings.probeConcurrency],
    storeShards: settings.storeShards,
    watchIntervalS: settings.watchIntervalS,
    labGeos: settings.labGeos,
    agents: runtime.agentRegions,
    verdictRegions: runtime.verdictScope.regions,
    agentsCount: runtime.verdictScope.counts("agent:dc1"),
    tlsWorkers: settings.tlsWorkers ?? null,
  };
}

describe("one runtime: npm start wires what Lambda wires", () => {
  let listener: Server;
  let closedPort: number;
  let env: Record<string, string>;
  let mesh: Mesh;
  let lambda: Runtime;
  const dataDir = mkdtempSync(join(tmpdir(), "pm-one-runtime-"));

  beforeAll(async () => {
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const open = (listener.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const profile = join(dataDir, "profile.yaml");
    writeFileSync(profile, `targets:\n  - "tcp://127.0.0.1:${open}"\n  - "tcp://127.0.0.1:${closedPort}"\n`);
    // One value per README variable, none of them a default. (93.184.216.34 below is refused before any packet.)
    env = {
      PORT: "0",
      PROBEMESH_HOST: "127.0.0.2",
      PROBEMESH_PROFILE: profile,
      // The profile replaces the lab, so its geographies only have to be read alike.
      PROBEMESH_LAB_GEOS: "kong-konnect=au;strongdm=uk",
      PROBEMESH_REGIONS: "us-east-1,eu-west-1",
      PROBEMESH_INTERVAL_S: "45",
      PROBEMESH_STALE_AFTER_S: "100",
      PROBEMESH_DATA_DIR: join(dataDir, "dynamo"),
      PROBEMESH_API_TOKENS: TOKEN,
      SLACK_SIGNING_SECRET: "one-runtime-secret",
      PROBEMESH_WEBHOOK_HOSTS: "hooks.example.test",
      PROBEMESH_GUARD_ALLOW: "corp=10.20.0.0/16",
      PROBEMESH_GUARD_PORTS: "443,8443",
      PROBEMESH_QUORUM: "1",
      PROBEMESH_FAIL_THRESHOLD: "1",
      PROBEMESH_RECOVER_THRESHOLD: "3",
      PROBEMESH_STORE_SHARDS: "8",
      PROBEMESH_PROBE_TIMEOUT_MS: "1500",
      PROBEMESH_PROBE_CONCURRENCY: "8",
      PROBEMESH_ALERT_WEBHOOK: "https://hooks.example.test/alerts",
      PROBEMESH_ALERT_SLACK_WEBHOOK: "https://hooks.example.test/slack",
      PROBEMESH_AGENT_TOKENS: "dc1:one-runtime-agent-token",
      PROBEMESH_AGENTS_IN_QUORUM: "false",
      PROBEMESH_WATCH_INTERVAL_S: "3600",
      PROBEMESH_TLS_WORKERS: "1",
    };
    mesh = await startMesh({ env: { ...process.env, ...env }, autoStart: false, web: false, workerRestartDelayMs: 5000 });
    lambda = await createRuntime(loadSettings({ ...env, DYNAMODB_ENDPOINT: dynamoEndpoint() }));
  });
  afterAll(async () => {
    await mesh?.stop();
    lambda?.destroy();
    listener?.close();
  });

  it("sets every README variable in this test (a new variable needs a line here)", () => {
    const documented = readmeVariables();
    expect(documented.length).toBeGreaterThanOrEqual(18);
    expect(documented.filter((name) => !(name in env))).toEqual([]);
  });

  it("builds the same dependencies from the same environment", () => {
    expect(effects(mesh.runtime)).toEqual(effects(lambda));
    expect(effects(lambda)).toMatchObject({
      regions: ["us-east-1", "eu-west-1"],
      staleAfterMs: 100_000,
      guard: { allow: [{ name: "corp", cidr: "10.20.0.0/16" }], ports: [{ from: 443, to: 443 }, { from: 8443, to: 8443 }] },
      thresholds: { fail: 1, recover: 3 },
      quorum: 1,
      probe: [1500, 8],
      storeShards: 8,
      watchIntervalS: 3600,
      labGeos: { "kong-konnect": ["au"], strongdm: ["uk"] },
      agents: ["agent:dc1"],
      verdictRegions: ["us-east-1", "eu-west-1", "agent:dc1"],
      agentsCount: false,
      tlsWorkers: 1,
    });
    // Local only: the address, the port and the data directory.
    expect(new URL(mesh.url).hostname).toBe("127.0.0.2");
    expect(new URL(mesh.url).port).not.toBe("8787");
    expect(readdirSync(env.PROBEMESH_DATA_DIR!).length).toBeGreaterThan(0);
  });

  it("narrowed guard ports hold under npm start: an on-demand probe to port 22 is refused", async () => {
    const res = await fetch(`${mesh.url}/v1/probes`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ targets: ["tcp://93.184.216.34:22"] }),
    });
    expect(res.status).toBe(403);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("blocked_target");
    expect(body.error.message).toMatch(/port 22 /);
  });

  it("the worker processes read the same settings: a fail threshold of 1 turns the closed port down in one round", async () => {
    const report = await mesh.runRound();
    expect(report.regions.every((r) => r.ok)).toBe(true);
    const { checks } = (await (await fetch(`${mesh.url}/v1/checks`)).json()) as { checks: Array<{ target: string; regions: Record<string, { state: string }> }> };
    const closed = checks.find((c) => c.target.endsWith(`:${closedPort}`))!;
    expect(Object.values(closed.regions).map((r) => r.state)).toEqual(["down", "down"]);
    const status = (await (await fetch(`${mesh.url}/v1/status`)).json()) as { summary: Record<string, number> };
    expect(status.summary).toMatchObject({ up: 1, down: 1 });
  });

  it("a killed worker is restarted, and its region reads stale until it answers again", async () => {
    const worker = mesh.workerProcesses["eu-west-1"]!;
    const pid = worker.pid()!;
    const restarted = worker.restarted(1);
    process.kill(pid, "SIGKILL");
    await worker.exited(1);
    // The restart waits 5 s here: this round finds no worker in eu-west-1.
    const during = await mesh.runRound();
    expect(during.regions.map((r) => [r.region, r.ok])).toEqual([
      ["us-east-1", true],
      ["eu-west-1", false],
    ]);
    const { regions } = (await (await fetch(`${mesh.url}/v1/regions`)).json()) as { regions: Array<{ region: string; stale: boolean }> };
    // agent:dc1 (PROBEMESH_AGENT_TOKENS) has no agent running: a region column, stale.
    expect(regions.map((r) => [r.region, r.stale])).toEqual([
      ["us-east-1", false],
      ["eu-west-1", true],
      ["agent:dc1", true],
    ]);
    const status = (await (await fetch(`${mesh.url}/v1/status`)).json()) as { checks: Array<{ regions: Record<string, string> }> };
    expect(status.checks.every((c) => c.regions["eu-west-1"] === "stale")).toBe(true);
    await restarted;
    expect(worker.pid()).not.toBe(pid);
    const after = await mesh.runRound();
    expect(after.regions.map((r) => [r.region, r.ok, r.error])).toEqual([["us-east-1", true, undefined], ["eu-west-1", true, undefined]]);
  });
});
