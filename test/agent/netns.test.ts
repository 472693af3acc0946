import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkIdOf } from "@probemesh/core/check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertNetnsAvailable, unavailableReason } from "../support/netns.js";
import { API_PORT, buildAgentLab, linkAddress, startMeshProcess, stopMeshProcess, TARGET, TARGET_PORT, type AgentLab } from "./netns-mesh.js";
import { startAgent, until, type AgentProcess, type LoggedProcess } from "./support.js";

/**
 * Agents end to end across network namespaces: `npm start` in one namespace, two real
 * `probemesh agent` processes in two others (each joined to the mesh by its own veth pair), and a
 * target that drops the second agent's packets. Counted: the verdicts per location, staleness
 * after SIGKILL (never down), every round produced while the API was down delivered once after
 * it restarts on the same address, and refused tokens storing nothing. Needs root and `ip netns`.
 */

const TOKENS = { a1: "a1-token-0123456789abcdef", a2: "a2-token-0123456789abcdef", ghost: "ghost-token-0123456789abcdef" };
const [REACHES, BLOCKED] = [0, 1];
const LOCATIONS = ["a1", "a2"] as const;
const REGION = { a1: "agent:a1", a2: "agent:a2", ghost: "agent:ghost" };
const TARGET_URI = `tcp://${TARGET}:${TARGET_PORT}`;
const CHECK_ID = checkIdOf("target", TARGET_URI);
/** Freshness window (PROBEMESH_STALE_AFTER_S): a 1 s agent is stale 2 s + 4 s after its last heartbeat. */
const STALE_AFTER_S = 4;

const reason = unavailableReason();
if (reason && !process.env.CI) console.warn(`test/agent/netns skipped: ${reason}`);

type Status = { checks: Array<{ checkId: string; verdict: string; regions: Record<string, string> }> };
type Regions = { regions: Array<{ region: string; agent?: boolean; ok: boolean; stale: boolean; lastRoundAt: string | null; buffered?: number }> };
type History = { series: Array<{ region: string; start: string }> };

describe.skipIf(Boolean(reason) && !process.env.CI)("agents across network namespaces", () => {
  let lab: AgentLab | undefined;
  let mesh: LoggedProcess | undefined;
  let api = "";
  let meshEnv: Record<string, string>;
  const agents: Partial<Record<(typeof LOCATIONS)[number], AgentProcess>> = {};
  const scratch = mkdtempSync(join(tmpdir(), "pm-agent-netns-"));
  const startedAt = new Date();

  const get = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${api}${path}`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return (await response.json()) as T;
  };
  const targetStatus = async () => (await get<Status>("/v1/status")).checks.find((c) => c.checkId === CHECK_ID);
  const region = async (name: string) => (await get<Regions>("/v1/regions")).regions.find((r) => r.region === name);
  /** Raw results of the target stored for `name` (the history route reads the store). */
  const stored = async (name: string) => {
    const query = new URLSearchParams({ bucket: "raw", from: new Date(startedAt.getTime() - 60_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });
    return (await get<History>(`/v1/checks/${CHECK_ID}/history?${query}`)).series.filter((s) => s.region === name).map((s) => s.start);
  };

  const teardown = async () => {
    for (const agent of Object.values(agents)) agent?.child.kill("SIGKILL");
    if (mesh) await stopMeshProcess(mesh);
    mesh = undefined;
    await lab?.destroy();
    rmSync(scratch, { recursive: true, force: true });
  };

  beforeAll(async () => {
    assertNetnsAvailable();
    lab = await buildAgentLab(LOCATIONS.length, BLOCKED);
    const profile = join(scratch, "profile.yaml");
    writeFileSync(profile, `targets: ["${TARGET_URI}"]\n`);
    meshEnv = {
      PORT: String(API_PORT),
      PROBEMESH_HOST: "0.0.0.0",
      PROBEMESH_PROFILE: profile,
      PROBEMESH_REGIONS: "us-east-1",
      PROBEMESH_INTERVAL_S: "1",
      PROBEMESH_STALE_AFTER_S: String(STALE_AFTER_S),
      PROBEMESH_PROBE_TIMEOUT_MS: "500",
      // On disk, so the restarted API finds what was stored before the outage.
      PROBEMESH_DATA_DIR: join(scratch, "data"),
      PROBEMESH_AGENT_TOKENS: Object.entries(TOKENS).map(([location, token]) => `${location}:${token}`).join(","),
    };
    mesh = await startMeshProcess(lab.mesh, meshEnv);
    // The test reads the API over the mesh namespace's link to the host.
    api = `http://${lab.mesh.nsAddress}:${API_PORT}`;
  }, 60_000);

  afterAll(teardown);

  it("refuses other locations' (403), forged and missing (401) tokens, and stores nothing for them", async () => {
    const call = async (location: string, route: "plan" | "results" | "heartbeat", token: string | undefined, body?: unknown) => {
      const response = await fetch(`${api}/v1/agents/${location}/${route}`, {
        method: route === "plan" ? "GET" : "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(route === "plan" ? {} : { body: JSON.stringify(body) }),
      });
      return response.status;
    };
    const batch = (regionName: string) => ({
      roundId: "refused-round",
      results: [{ checkId: CHECK_ID, target: TARGET_URI, kind: "tcp", region: regionName, at: new Date().toISOString(), status: "pass", outcome: "ok", durationMs: 1, phases: {} }],
    });
    const heartbeat = { at: new Date().toISOString(), ok: true, intervalS: 1, checks: 1 };
    const refused = [
      // a1's token on the other locations' routes: 403.
      [await call("a2", "plan", TOKENS.a1), 403],
      [await call("a2", "results", TOKENS.a1, batch(REGION.a2)), 403],
      [await call("a2", "heartbeat", TOKENS.a1, heartbeat), 403],
      [await call("ghost", "results", TOKENS.a1, batch(REGION.ghost)), 403],
      // a1's own route, but results claiming a2's region: 403.
      [await call("a1", "results", TOKENS.a1, batch(REGION.a2)), 403],
      // forged and missing tokens: 401.
      [await call("a1", "plan", "forged-token-0123456789abcdef"), 401],
      [await call("a1", "results", "forged-token-0123456789abcdef", batch(REGION.a1)), 401],
      [await call("a2", "heartbeat", "forged-token-0123456789abcdef", heartbeat), 401],
      [await call("a1", "results", undefined, batch(REGION.a1)), 401],
      [await call("a2", "plan", undefined), 401],
    ];
    expect(refused.map(([status]) => status)).toEqual(refused.map(([, expected]) => expected));
    // A location's own token still reads its own plan.
    expect(await call("a1", "plan", TOKENS.a1)).toBe(200);

    const agentRegions = (await get<Regions>("/v1/regions")).regions.filter((r) => r.agent);
    const storedAfter = (await Promise.all(Object.values(REGION).map(stored))).flat();
    console.log(`token scoping: ${refused.length} requests refused (${refused.filter(([s]) => s === 403).length}×403, ${refused.filter(([s]) => s === 401).length}×401); results stored from them: ${storedAfter.length}; heartbeats: ${agentRegions.filter((r) => r.lastRoundAt !== null).length}`);
    expect(storedAfter).toEqual([]);
    expect(agentRegions.filter((r) => r.lastRoundAt !== null)).toEqual([]);
  });

  it("shows both locations as agent regions: the reachable one up and passing, the blocked one down and failing", async () => {
    // A dropped SYN times out twice (one retry) well inside the 1 s round's deadline: a fail, not inconclusive.
    for (const [index, location] of LOCATIONS.entries()) {
      const args = ["--api", `http://${linkAddress(index, "mesh")}:${API_PORT}`, "--location", location, "--interval", "1", "--timeout", "300"];
      agents[location] = startAgent(args, { PROBEMESH_AGENT_TOKEN: TOKENS[location] }, { netns: lab!.agents[index]!.name });
    }
    const verdict = await until(targetStatus, (check) => check?.regions[REGION.a1] === "up" && check.regions[REGION.a2] === "down" && check.regions["us-east-1"] === "up", 30_000);
    // One of three regions sees it down: degraded, not down (a majority quorum).
    expect(verdict).toMatchObject({ verdict: "degraded", regions: { "us-east-1": "up", [REGION.a1]: "up", [REGION.a2]: "down" } });

    const regions = (await get<Regions>("/v1/regions")).regions.filter((r) => r.region === REGION.a1 || r.region === REGION.a2);
    expect(regions).toEqual([
      expect.objectContaining({ region: REGION.a1, agent: true, ok: true, stale: false }),
      expect.objectContaining({ region: REGION.a2, agent: true, ok: true, stale: false }),
    ]);
    const checks = await get<{ checks: Array<{ checkId: string; regions: Record<string, { status?: string; outcome?: string }> }> }>("/v1/checks");
    const row = checks.checks.find((c) => c.checkId === CHECK_ID)!;
    expect(row.regions[REGION.a1]).toMatchObject({ status: "pass", outcome: "ok" });
    expect(row.regions[REGION.a2]).toMatchObject({ status: "fail", outcome: "tcp_timeout" });

    // The kernel, not the code, made the difference: the target never accepted the blocked agent.
    const from = (index: number) => lab!.accepted.filter((address) => address === linkAddress(index, "agent")).length;
    console.log(`verdicts: ${CHECK_ID} ${verdict!.verdict}; target accepted ${from(REACHES)} connections from a1, ${from(BLOCKED)} from a2, ${lab!.accepted.length} in all`);
    expect(from(REACHES)).toBeGreaterThan(0);
    expect(from(BLOCKED)).toBe(0);
  }, 40_000);

  it("buffers across an API restart on the same address: every round produced while it was down arrives once", async () => {
    const stopIndex = Object.fromEntries(LOCATIONS.map((l) => [l, agents[l]!.lines.length]));
    expect(await stopMeshProcess(mesh!)).toBe(0);
    mesh = undefined;
    // The API is gone: each agent probes at least two rounds it cannot deliver.
    await Promise.all(LOCATIONS.map((l) => agents[l]!.waitFor(/^round .*sent 0, buffered [2-9]/, 20_000, stopIndex[l])));
    const restartIndex = Object.fromEntries(LOCATIONS.map((l) => [l, agents[l]!.lines.length]));
    mesh = await startMeshProcess(lab!.mesh, meshEnv);
    await Promise.all(LOCATIONS.map((l) => agents[l]!.waitFor(/^delivered \d+ buffered batches, 0 left|^round .*sent [1-9]\d*, buffered 0/, 30_000, restartIndex[l])));
    // One more round after the backlog, so every outage round is followed by a round (its time bound).
    const deliveredIndex = Object.fromEntries(LOCATIONS.map((l) => [l, agents[l]!.lines.length]));
    await Promise.all(LOCATIONS.map((l) => agents[l]!.waitFor(/^round .*sent 1, buffered 0/, 10_000, deliveredIndex[l])));

    for (const location of LOCATIONS) {
      const lines = agents[location]!.lines;
      const rounds = roundsOf(lines);
      const outage = roundsOf(lines.slice(stopIndex[location])).filter((r) => r.sent === 0).map((r) => r.id);
      // Every round the agent finished so far but its last (whose result may land before or after we read).
      const times = await stored(REGION[location]);
      const counted = rounds.slice(0, -1).map((round, i) => times.filter((at) => at >= round.id && at < rounds[i + 1]!.id).length);
      const lost = counted.filter((n) => n === 0).length;
      const twice = counted.filter((n) => n > 1).length;
      const outageStored = outage.filter((id) => counted[rounds.findIndex((r) => r.id === id)] === 1).length;
      const dropped = lines.filter((l) => /dropped \d+/.test(l)).length;
      console.log(`buffering ${location}: ${rounds.length - 1} rounds pushed, ${counted.length - lost} stored, ${lost} lost, ${twice} stored twice; ${outage.length} produced while the API was down, ${outageStored} of them stored; dropped lines: ${dropped}`);
      expect(outage.length).toBeGreaterThanOrEqual(2);
      expect(outageStored).toBe(outage.length);
      expect([lost, twice, dropped]).toEqual([0, 0, 0]);
    }
  }, 60_000);

  it("a SIGKILLed agent's location turns stale, never down, while the other keeps its verdict", async () => {
    // The restarted mesh's picture first: a1 up again, so what follows is a1's own silence.
    await until(targetStatus, (check) => check?.regions[REGION.a1] === "up" && check.regions[REGION.a2] === "down", 20_000);
    const killed = agents.a1!;
    killed.child.kill("SIGKILL");
    await killed.exited;
    delete agents.a1;
    const killedAt = Date.now();
    const seen = new Set<string>();
    const view = await until(
      async () => {
        const check = await targetStatus();
        const state = check?.regions[REGION.a1];
        if (state) seen.add(state);
        return { check, region: await region(REGION.a1) };
      },
      ({ check, region }) => region?.stale === true && check?.regions[REGION.a1] === "stale",
      20_000,
    );
    console.log(`staleness: agent:a1 stale ${((Date.now() - killedAt) / 1000).toFixed(1)} s after SIGKILL (window ${STALE_AFTER_S} s + 2 intervals); its column went through ${[...seen].join(" → ")}`);
    expect([...seen].filter((state) => state !== "up" && state !== "stale")).toEqual([]);
    expect(view.region).toMatchObject({ agent: true, stale: true });
    expect(view.check).toMatchObject({ regions: { "us-east-1": "up", [REGION.a1]: "stale", [REGION.a2]: "down" } });
    expect(view.check?.verdict).not.toBe("down");
  }, 30_000);

  it("removes every namespace it created", async () => {
    const names = lab!.names();
    await teardown();
    lab = undefined;
    const left = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
    expect(names.filter((name) => left.includes(name))).toEqual([]);
  });
});

/** The agent's `round <id>: … | sent n, buffered m` lines, in order. */
function roundsOf(lines: string[]): Array<{ id: string; sent: number; buffered: number }> {
  return lines.flatMap((line) => {
    const match = /^round (\S+): .*\| sent (\d+), buffered (\d+)/.exec(line);
    return match ? [{ id: match[1]!, sent: Number(match[2]), buffered: Number(match[3]) }] : [];
  });
}
