import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";
import { startAgent, until, type AgentProcess } from "./support.js";

/**
 * `npm start` (the lab, no profile) plus one agent: a location without a profile section gets the
 * whole plan, and the plan hands it the lab's network, so the lab's hosts resolve through the lab
 * DNS (never the system resolver) and the agent's column fills with real lab results.
 */

const TOKEN = "lab-agent-token-0123456789";

describe("an agent against the lab", () => {
  let mesh: Mesh;
  let agent: AgentProcess | undefined;

  beforeAll(async () => {
    mesh = await startMesh({ env: { ...process.env, PROBEMESH_AGENT_TOKENS: `lab1:${TOKEN}` }, port: 0, inMemory: true, regions: ["us-east-1"], autoStart: false, web: false });
  });
  afterAll(async () => {
    agent?.child.kill("SIGKILL");
    await mesh?.stop();
  });

  it("probes the whole lab plan through the lab's DNS and port map", async () => {
    agent = startAgent(["--api", mesh.url, "--location", "lab1", "--interval", "30", "--timeout", "2000"], { PROBEMESH_AGENT_TOKEN: TOKEN });
    await agent.waitFor(/probing the lab through its DNS 127\.0\.0\.1:\d+/);
    await agent.waitFor(/^round .*sent 1, buffered 0/, 90_000);
    const results = await until(
      async () => (await mesh.runtime.store.latest()).filter((entry) => entry.region === "agent:lab1"),
      (entries) => entries.length > 0,
    );
    const planned = new Set(mesh.checks.map((check) => check.checkId));
    expect(results.every((entry) => planned.has(entry.checkId.replace(/-\d+$/, "")) || planned.has(entry.checkId))).toBe(true);
    const outcomes = results.map((entry) => entry.result.outcome);
    expect(outcomes.filter((outcome) => outcome.startsWith("dns_"))).toEqual([]);
    expect(results.filter((entry) => entry.result.status === "pass").length).toBeGreaterThan(results.length / 2);
    agent.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    agent = undefined;
  }, 150_000);
});
