import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkIdOf } from "@probemesh/core/check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";
import { Relay, startAgent, until, type AgentProcess } from "./support.js";

/**
 * `probemesh agent` as a real child process (the package's bin) against the real mesh (DynamoDB
 * Local, a region worker process, the API behind its gateway): the agent's location is a region
 * in /v1/regions, /v1/status, /v1/checks and /metrics; it buffers while the API is unreachable
 * and delivers every round once; SIGTERM stops it with exit 0; tokens are scoped to a location.
 */

const DC1_TOKEN = "dc1-token-0123456789abcdef";
const DC2_TOKEN = "dc2-token-0123456789abcdef";
const REGION = "agent:dc1";
/**
 * Freshness window (PROBEMESH_STALE_AFTER_S) instead of the default 2 intervals + 30 s: the 2 s agent
 * is stale 2 × 2 s + 10 s = 14 s after its last heartbeat rather than 34 s. 10 s still leaves a slow
 * machine ample room between a round and the reads that expect it fresh.
 */
const STALE_AFTER_S = 10;

describe("probemesh agent against the mesh", () => {
  const scratch = mkdtempSync(join(tmpdir(), "pm-agent-"));
  let listener: Server;
  let mesh: Mesh;
  let relay: Relay;
  let agent: AgentProcess | undefined;
  let open: string;
  let closed: string;

  const api = (path: string, init: RequestInit = {}) => fetch(new URL(path, mesh.url), init);
  const json = async <T>(path: string): Promise<T> => (await (await api(path)).json()) as T;
  const post = (path: string, token: string | undefined, body: unknown) =>
    api(path, { method: "POST", headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: typeof body === "string" ? body : JSON.stringify(body) });
  const regionsView = () => json<{ regions: Array<{ region: string; agent?: boolean; ok: boolean; stale: boolean; buffered?: number; dropped?: number }> }>("/v1/regions");
  const agentView = async () => (await regionsView()).regions.find((r) => r.region === REGION);
  const rawHistory = async (checkId: string) =>
    mesh.runtime.store.history({ checkId, region: REGION, bucket: "raw", from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

  beforeAll(async () => {
    listener = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const closedPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    open = `tcp://127.0.0.1:${(listener.address() as AddressInfo).port}`;
    closed = `tcp://127.0.0.1:${closedPort}`;
    const profile = join(scratch, "profile.yaml");
    // The cloud region probes the open port; dc1's own section adds a port only it is asked about.
    writeFileSync(profile, `targets: ["${open}"]\nlocations:\n  dc1:\n    targets: ["${open}", "${closed}"]\n`);
    mesh = await startMesh({
      env: { ...process.env, PROBEMESH_PROFILE: profile, PROBEMESH_AGENT_TOKENS: `dc1:${DC1_TOKEN},dc2:${DC2_TOKEN}`, PROBEMESH_FAIL_THRESHOLD: "1", PROBEMESH_INTERVAL_S: "1", PROBEMESH_STALE_AFTER_S: String(STALE_AFTER_S) },
      port: 0,
      inMemory: true,
      regions: ["us-east-1"],
      intervalS: 1,
      autoStart: false,
      web: false,
    });
    relay = new Relay({ host: "127.0.0.1", port: Number(new URL(mesh.url).port) });
    await relay.start();
  });

  afterAll(async () => {
    agent?.child.kill("SIGKILL");
    await relay?.stop();
    await mesh?.stop();
    listener?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("refuses missing, forged and other locations' tokens, and stores nothing for them", async () => {
    const batch = { roundId: "r-forged", results: [{ checkId: checkIdOf("target", closed), target: closed, kind: "tcp", region: REGION, at: new Date().toISOString(), status: "pass", outcome: "ok", durationMs: 1, phases: {} }] };
    const answers = [
      (await api("/v1/agents/dc1/plan")).status,
      (await api("/v1/agents/dc1/plan", { headers: { authorization: "Bearer forged-token-0123456789" } })).status,
      (await api("/v1/agents/dc1/plan", { headers: { authorization: `Bearer ${DC2_TOKEN}` } })).status,
      (await post("/v1/agents/dc1/results", undefined, batch)).status,
      (await post("/v1/agents/dc1/results", "forged-token-0123456789", batch)).status,
      (await post("/v1/agents/dc1/results", DC2_TOKEN, batch)).status,
      // dc2's own route, but results claiming dc1's region.
      (await post("/v1/agents/dc2/results", DC2_TOKEN, batch)).status,
      (await post("/v1/agents/dc1/heartbeat", DC2_TOKEN, { at: new Date().toISOString(), ok: true, intervalS: 2 })).status,
    ];
    expect(answers).toEqual([401, 401, 403, 401, 401, 403, 403, 403]);
    const refused = await post("/v1/agents/dc1/results", DC2_TOKEN, batch);
    expect(await refused.json()).toMatchObject({ error: { code: "wrong_location" } });
    // Bad and oversized batches are refused with the documented shape.
    const bad = await post("/v1/agents/dc1/results", DC1_TOKEN, { roundId: "r1", results: [{ ...batch.results[0], outcome: "made_up" }] });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "invalid_request" } });
    expect((await post("/v1/agents/dc1/results", DC1_TOKEN, JSON.stringify({ roundId: "big", pad: "x".repeat(3 * 1024 * 1024) }))).status).toBe(413);
    expect((await mesh.runtime.store.latest()).filter((entry) => entry.region.startsWith("agent:"))).toEqual([]);
    expect((await mesh.runtime.store.heartbeats()).filter((h) => h.region.startsWith("agent:"))).toEqual([]);
  });

  it("hands each location its own plan: dc1 its section, dc2 (no section) the whole profile", async () => {
    const plan = async (location: string, token: string) => (await (await api(`/v1/agents/${location}/plan`, { headers: { authorization: `Bearer ${token}` } })).json()) as { region: string; checks: Array<{ target: string }> };
    expect(await plan("dc1", DC1_TOKEN)).toMatchObject({ region: REGION, checks: [{ target: open }, { target: closed }] });
    expect((await plan("dc2", DC2_TOKEN)).checks.map((c) => c.target)).toEqual([open]);
  });

  it("is a first-class region: /v1/regions (as an agent), /v1/status verdicts and quorum, /v1/checks, /metrics", async () => {
    agent = startAgent(["--api", `http://127.0.0.1:${relay.port}`, "--location", "dc1", "--interval", "2", "--timeout", "1000"], { PROBEMESH_AGENT_TOKEN: DC1_TOKEN });
    await agent.waitFor(/^round .*sent 1, buffered 0/);
    await until(agentView, (view) => view?.ok === true && !view.stale);
    expect(await agentView()).toMatchObject({ region: REGION, agent: true, ok: true, stale: false, buffered: 0, dropped: 0 });
    await mesh.runRound();

    type Status = { checks: Array<{ checkId: string; verdict: string; regions: Record<string, string> }> };
    const status = await json<Status>("/v1/status");
    const byId = new Map(status.checks.map((c) => [c.checkId, c]));
    // The closed port is only dc1's to probe: the agent alone is its quorum, and it is down.
    expect(byId.get(checkIdOf("target", closed))).toMatchObject({ verdict: "down", regions: { [REGION]: "down" } });
    expect(byId.get(checkIdOf("target", open))).toMatchObject({ verdict: "up", regions: { "us-east-1": "up", [REGION]: "up" } });

    const checks = await json<{ checks: Array<{ checkId: string; regions: Record<string, { status?: string; outcome?: string }> }> }>("/v1/checks");
    expect(checks.checks.find((c) => c.checkId === checkIdOf("target", closed))?.regions[REGION]).toMatchObject({ status: "fail", outcome: "tcp_refused" });
    const metrics = await (await api("/metrics")).text();
    expect(metrics).toMatch(new RegExp(`probemesh_region_up\\{region="${REGION}"\\} 1`));
    expect(metrics).toContain(`region="${REGION}"`);
  });

  it("buffers while the API is unreachable and delivers every round once when it is back", async () => {
    const before = (await rawHistory(checkIdOf("target", closed))).length;
    const roundsBefore = agent!.lines.filter((l) => l.startsWith("round ")).length;
    await relay.stop();
    await agent!.waitFor(/^round .*buffered 2/);
    await relay.start();
    await agent!.waitFor(/^delivered \d+ buffered batches, 0 left|^round .*sent [2-9], buffered 0/);
    const rounds = agent!.lines.filter((l) => l.startsWith("round ")).length;
    // Every round the agent reported is stored exactly once: none lost, none twice.
    const after = await until(() => rawHistory(checkIdOf("target", closed)), (h) => h.length - before >= rounds - roundsBefore);
    const times = after.map((bucket) => bucket.start);
    expect(new Set(times).size).toBe(times.length);
    expect(after.length - before).toBe(rounds - roundsBefore);

    // Redelivering a batch (same round id, same results) is reported as a duplicate and stores nothing new.
    const [latest] = (await mesh.runtime.store.latest()).filter((e) => e.region === REGION && e.checkId === checkIdOf("target", closed));
    const batch = { roundId: "redelivered-round", results: [latest!.result] };
    const first = await (await post("/v1/agents/dc1/results", DC1_TOKEN, batch)).json();
    const again = await (await post("/v1/agents/dc1/results", DC1_TOKEN, batch)).json();
    expect([first.duplicate, again.duplicate]).toEqual([false, true]);
    const stored = await rawHistory(checkIdOf("target", closed));
    expect(stored.filter((bucket) => bucket.start === latest!.result.at)).toHaveLength(1);
  }, 90_000);

  it("reports the batches its full buffer dropped in its heartbeat, shown on /v1/regions", async () => {
    // dc2 on its own relay with room for one batch: a second round while the API is away pushes one out.
    const relay2 = new Relay({ host: "127.0.0.1", port: Number(new URL(mesh.url).port) });
    await relay2.start();
    const dc2 = startAgent(["--api", `http://127.0.0.1:${relay2.port}`, "--location", "dc2", "--interval", "1", "--timeout", "1000", "--buffer", "1"], { PROBEMESH_AGENT_TOKEN: DC2_TOKEN });
    try {
      await dc2.waitFor(/^round .*sent 1, buffered 0$/);
      await relay2.stop();
      const line = await dc2.waitFor(/^round .*buffered 1, dropped [1-9]\d*$/);
      await relay2.start();
      const view = await until(
        async () => (await regionsView()).regions.find((r) => r.region === "agent:dc2"),
        (r) => (r?.dropped ?? 0) > 0 && r?.buffered === 0,
      );
      // Dropped batches are lost for good: the count only grows, and it is the agent's own count.
      expect(view!.dropped).toBeGreaterThanOrEqual(Number(line.match(/dropped (\d+)$/)![1]));
      expect(view).toMatchObject({ agent: true, ok: true });
    } finally {
      dc2.child.kill("SIGKILL");
      await relay2.stop();
    }
  }, 60_000);

  it("stops on SIGTERM with exit 0, then goes stale — unknown, never down", async () => {
    const exited = agent!.exited;
    agent!.child.kill("SIGTERM");
    expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve("still running"), 10_000))])).toBe(0);
    expect(agent!.lines.some((l) => /stopped$/.test(l))).toBe(true);
    agent = undefined;

    await until(agentView, (view) => view?.stale === true, 80_000, 1_000);
    await mesh.runRound();
    const status = await json<{ checks: Array<{ checkId: string; verdict: string; regions: Record<string, string> }> }>("/v1/status");
    const closedVerdict = status.checks.find((c) => c.checkId === checkIdOf("target", closed));
    expect(closedVerdict).toMatchObject({ verdict: "unknown", regions: { [REGION]: "stale" } });
    // us-east-1 is the only fresh region that probes the open port (the agents are silent): no quorum of fresh regions, so unknown (never down).
    expect(status.checks.find((c) => c.checkId === checkIdOf("target", open))).toMatchObject({ verdict: "unknown", regions: { "us-east-1": "up", [REGION]: "stale" } });
  }, 120_000);
});
