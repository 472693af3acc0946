/**
 * The agents' end-to-end lab in network namespaces (each made by test/support/netns.ts): one
 * namespace runs `npm start` (packages/functions/src/mesh/main.ts: DynamoDB Local, a region
 * worker, the API on 0.0.0.0) and the target listener; two agent namespaces are each joined to it
 * by their own veth pair. The target drops the second agent's packets (nftables input rule), so
 * one agent reaches the target and the other times out; both reach the API.
 */
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createNetns, type Netns } from "../support/netns.js";
import { startLogged, type LoggedProcess } from "./support.js";

const MAIN = fileURLToPath(new URL("../../packages/functions/src/mesh/main.ts", import.meta.url));
const REPO = fileURLToPath(new URL("../..", import.meta.url));

/** The target's address inside the mesh namespace (10.253/16 is outside the /24s netns.ts hands out). */
export const TARGET = "10.253.100.1";
export const TARGET_PORT = 8443;
/** The API's port inside the mesh namespace (its own network stack, so a fixed port is free). */
export const API_PORT = 8787;
const DROP_TABLE = "probemesh_agent_fault";

/** Agent `index`'s link to the mesh: the mesh side `.1` (its API address), the agent side `.2` (its source address). */
export function linkAddress(index: number, side: "mesh" | "agent"): string {
  return `10.253.${index + 1}.${side === "mesh" ? 1 : 2}`;
}

export interface AgentLab {
  mesh: Netns;
  agents: Netns[];
  /** Remote addresses of the connections the target accepted, in order. */
  accepted: string[];
  names(): string[];
  destroy(): Promise<void>;
}

/** Builds the namespaces, links, routes, the drop rule for agent `blocked` and the target listener. */
export async function buildAgentLab(agentCount: number, blocked: number): Promise<AgentLab> {
  const created: Netns[] = [];
  const destroy = async () => {
    for (const ns of created.reverse()) await ns.destroy();
  };
  try {
    const mesh = await createNetns();
    created.push(mesh);
    const agents: Netns[] = [];
    for (let index = 0; index < agentCount; index++) {
      const ns = await createNetns();
      created.push(ns);
      agents.push(ns);
      const meshIf = `to-agent${index + 1}`;
      await mesh.exec("ip", ["link", "add", meshIf, "type", "veth", "peer", "name", "to-mesh", "netns", ns.name]);
      await mesh.exec("ip", ["addr", "add", `${linkAddress(index, "mesh")}/24`, "dev", meshIf]);
      await mesh.exec("ip", ["link", "set", meshIf, "up"]);
      await ns.exec("ip", ["addr", "add", `${linkAddress(index, "agent")}/24`, "dev", "to-mesh"]);
      await ns.exec("ip", ["link", "set", "to-mesh", "up"]);
      await ns.exec("ip", ["route", "add", `${TARGET}/32`, "via", linkAddress(index, "mesh")]);
    }
    await mesh.exec("ip", ["addr", "add", `${TARGET}/32`, "dev", "lo"]);
    await mesh.nft(
      `table inet ${DROP_TABLE} {\n  chain input {\n    type filter hook input priority 0; policy accept;\n` +
        `    ip saddr ${linkAddress(blocked, "agent")} tcp dport ${TARGET_PORT} drop\n  }\n}\n`,
    );
    const accepted = await startTarget(mesh);
    return { mesh, agents, accepted, names: () => created.map((ns) => ns.name), destroy };
  } catch (error) {
    await destroy();
    throw error;
  }
}

/** A plain TCP listener on the target address that reports every accepted connection's source. */
async function startTarget(mesh: Netns): Promise<string[]> {
  const script =
    `require("node:net").createServer((s) => { console.log("accepted " + s.remoteAddress); s.end(); })` +
    `.listen(${TARGET_PORT}, "${TARGET}", () => console.log("listening"));`;
  const child = mesh.spawn(process.execPath, ["-e", script]);
  const accepted: string[] = [];
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`target listener exited (${code})`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      if (line === "listening") resolve();
      else if (line.startsWith("accepted ")) accepted.push(line.slice("accepted ".length));
    });
  });
  return accepted;
}

/** `npm start` inside `ns` (the same entry, settings from `env` only); resolves once the API listens. */
export async function startMeshProcess(ns: Netns, env: Record<string, string>): Promise<LoggedProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("PROBEMESH_") && name !== "PORT" && name !== "DYNAMODB_ENDPOINT"));
  const mesh = startLogged(["ip", "netns", "exec", ns.name, process.execPath, "--import", "tsx", MAIN], { ...clean, ...env }, REPO);
  await mesh.waitFor(/\[mesh\] status page and API on /, 45_000);
  return mesh;
}

/** SIGTERM (the mesh stops DynamoDB Local, workers and the API), SIGKILL after 15 s; resolves the exit code. */
export async function stopMeshProcess(mesh: LoggedProcess): Promise<number | null> {
  if (mesh.child.exitCode !== null || mesh.child.signalCode !== null) return mesh.child.exitCode;
  const timer = setTimeout(() => mesh.child.kill("SIGKILL"), 15_000);
  mesh.child.kill("SIGTERM");
  const code = await mesh.exited;
  clearTimeout(timer);
  return code;
}
