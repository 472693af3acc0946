/**
 * Network namespaces for fault tests: a namespace joined to the host by a veth pair on a private
 * /24 nobody else uses, plus host routes and nftables rules, all removed again. Names are unique per
 * process; what a process creates is recorded under /tmp/probemesh-netns so a later run removes
 * leftovers of a process that died before its afterAll. Needs root (CI runs as root).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const STATE_DIR = "/tmp/probemesh-netns";
const NAME_PREFIX = "pmt";

/** A namespace with one veth link to the host: host side `.1`, namespace side `.2` of `subnet`. */
export interface Netns {
  /** Namespace name, e.g. "pmt-1a2b-0". */
  name: string;
  /** First three octets of the /24, e.g. "10.217.4". */
  subnet: string;
  hostAddress: string;
  nsAddress: string;
  hostIf: string;
  nsIf: string;
  /** Runs a command inside the namespace, resolves its stdout. */
  exec(command: string, args?: string[]): Promise<string>;
  /** Starts a long-running process inside the namespace; killed by `destroy`. */
  spawn(command: string, args?: string[]): ChildProcess;
  /** Loads an nftables ruleset inside the namespace (`nft -f -`). */
  nft(ruleset: string): Promise<void>;
  /** Adds a host route (e.g. ["unreachable", "10.217.4.50/32"]); removed by `destroy`. */
  addHostRoute(spec: string[]): Promise<void>;
  /** Removes routes, processes (every one left inside it) and the namespace (and so its veth pairs). Safe to call twice. */
  destroy(): Promise<void>;
}

interface State {
  pid: number;
  name: string;
  /** Host end of the veth pair; deleted explicitly because `ip netns del` frees the pair asynchronously. */
  hostIf?: string;
  routes: string[][];
}

let counter = 0;
const live = new Map<string, State>();
let exitHookInstalled = false;

/** Throws one clear line when namespaces cannot be created here (not root, no `ip netns`). */
export function assertNetnsAvailable(): void {
  if (process.getuid?.() !== 0) throw new Error("network-namespace suite needs root (CI runs as root): run as root to test timeouts, unreachable routes and scans");
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "pipe" });
    execFileSync("nft", ["--version"], { stdio: "pipe" });
  } catch (error) {
    throw new Error(`network-namespace suite needs iproute2 and nftables: ${(error as Error).message.split("\n")[0]}`);
  }
}

/**
 * Why namespaces cannot be created here (`assertNetnsAvailable`'s message), or undefined when they
 * can: suites skip with it outside CI and fail with it in CI.
 */
export function unavailableReason(): string | undefined {
  try {
    assertNetnsAvailable();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Creates a namespace wired to the host; always pair with `destroy()` (see `useNetns`). */
export async function createNetns(): Promise<Netns> {
  assertNetnsAvailable();
  removeLeftovers();
  installExitHook();
  const tag = `${process.pid.toString(36)}${(counter++).toString(36)}`;
  const name = `${NAME_PREFIX}-${tag}`;
  const hostIf = `${NAME_PREFIX}h${tag}`.slice(0, 15);
  const nsIf = `${NAME_PREFIX}n${tag}`.slice(0, 15);
  const state: State = { pid: process.pid, name, hostIf, routes: [] };
  live.set(name, state);
  saveState(state);
  const children = new Set<ChildProcess>();
  let destroyed = false;

  const inside = (command: string, args: string[] = []) => ["netns", "exec", name, command, ...args];
  try {
    await run("ip", ["netns", "add", name]);
    await run("ip", ["link", "add", hostIf, "type", "veth", "peer", "name", nsIf, "netns", name]);
    const subnet = await claimSubnet(hostIf);
    await run("ip", ["link", "set", hostIf, "up"]);
    await run("ip", inside("ip", ["addr", "add", `${subnet}.2/24`, "dev", nsIf]));
    await run("ip", inside("ip", ["link", "set", nsIf, "up"]));
    await run("ip", inside("ip", ["link", "set", "lo", "up"]));
    // A new namespace does not forward: packets routed into it for other addresses vanish silently.
    await run("ip", inside("sysctl", ["-qw", "net.ipv4.ip_forward=0"]));

    const netns: Netns = {
      name,
      subnet,
      hostAddress: `${subnet}.1`,
      nsAddress: `${subnet}.2`,
      hostIf,
      nsIf,
      exec: async (command, args = []) => (await run("ip", inside(command, args), { maxBuffer: 16 * 1024 * 1024 })).stdout,
      spawn: (command, args = []) => {
        const child = spawn("ip", inside(command, args), { stdio: ["ignore", "pipe", "pipe"] });
        children.add(child);
        child.once("exit", () => children.delete(child));
        return child;
      },
      nft: async (ruleset) => {
        await new Promise<void>((resolve, reject) => {
          const child = spawn("ip", inside("nft", ["-f", "-"]), { stdio: ["pipe", "ignore", "pipe"] });
          let stderr = "";
          child.stderr.on("data", (chunk) => (stderr += chunk));
          child.once("error", reject);
          child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`nft failed in ${name}: ${stderr.trim()}`))));
          child.stdin.end(ruleset);
        });
      },
      addHostRoute: async (spec) => {
        await run("ip", ["route", "add", ...spec]);
        state.routes.push(spec);
        saveState(state);
      },
      destroy: async () => {
        if (destroyed) return;
        destroyed = true;
        for (const child of children) child.kill("SIGKILL");
        cleanupSync(state);
      },
    };
    return netns;
  } catch (error) {
    cleanupSync(state);
    throw error;
  }
}

/**
 * vitest wiring: creates the namespace in beforeAll and always removes it in afterAll, even when a
 * test or the setup itself failed. `setup` runs inside beforeAll (nft rules, listeners…).
 */
export function useNetns(hooks: { beforeAll: (fn: () => Promise<void>, timeout?: number) => void; afterAll: (fn: () => Promise<void>) => void }, setup?: (netns: Netns) => Promise<void>): () => Netns {
  let netns: Netns | undefined;
  hooks.beforeAll(async () => {
    netns = await createNetns();
    await setup?.(netns);
  }, 30_000);
  hooks.afterAll(async () => {
    await netns?.destroy();
  });
  return () => {
    if (!netns) throw new Error("namespace not created: beforeAll failed");
    return netns;
  };
}

/**
 * A 10.x.y prefix (first three octets) that no host address or route uses right now: for routes
 * into a namespace that go nowhere (e.g. via a namespace that does not forward).
 */
export async function findFreeSubnet(): Promise<string> {
  const used = await usedPrefixes();
  for (let attempt = 0; attempt < 200; attempt++) {
    const subnet = randomSubnet();
    if (!used.includes(`${subnet}.`)) return subnet;
  }
  throw new Error("no free 10.x.y.0/24");
}

async function usedPrefixes(): Promise<string> {
  const { stdout: addrs } = await run("ip", ["-4", "-o", "addr"]);
  const { stdout: routes } = await run("ip", ["-4", "route", "show", "table", "all"]);
  return `${addrs}\n${routes}`;
}

function randomSubnet(): string {
  return `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 256)}`;
}

/** Picks a 10.x.y.0/24 that no host address or route uses and puts `.1` on the host side. */
async function claimSubnet(hostIf: string): Promise<string> {
  const used = await usedPrefixes();
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = randomSubnet();
    if (used.includes(`${subnet}.`)) continue;
    try {
      await run("ip", ["addr", "add", `${subnet}.1/24`, "dev", hostIf]);
      return subnet;
    } catch {
      // raced with another suite for the same /24: try another
    }
  }
  throw new Error("no free 10.x.y.0/24 for a test namespace");
}

function cleanupSync(state: State): void {
  killProcessesIn(state.name);
  for (const spec of state.routes) quiet(["route", "del", ...spec]);
  if (state.hostIf) quiet(["link", "del", state.hostIf]);
  quiet(["netns", "del", state.name]);
  live.delete(state.name);
  rmSync(join(STATE_DIR, `${state.name}.json`), { force: true });
}

/**
 * Whatever still runs inside the namespace (a process a test started there, or its children, e.g.
 * a mesh's java) would outlive it: `ip netns del` only drops the name.
 */
function killProcessesIn(name: string): void {
  let pids: string;
  try {
    pids = execFileSync("ip", ["netns", "pids", name], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return;
  }
  for (const pid of pids.split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), "SIGKILL");
    } catch {
      // already gone
    }
  }
}

function quiet(args: string[]): void {
  try {
    execFileSync("ip", args, { stdio: "pipe" });
  } catch {
    // already gone
  }
}

function saveState(state: State): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(join(STATE_DIR, `${state.name}.json`), JSON.stringify(state));
}

/** Removes what processes that no longer exist left behind. */
function removeLeftovers(): void {
  let files: string[];
  try {
    files = readdirSync(STATE_DIR);
  } catch {
    return;
  }
  for (const file of files) {
    try {
      const state = JSON.parse(readFileSync(join(STATE_DIR, file), "utf8")) as State;
      if (!isAlive(state.pid)) cleanupSync(state);
    } catch {
      rmSync(join(STATE_DIR, file), { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Last resort when afterAll never runs (crash, Ctrl-C, kill): synchronous cleanup on the way out. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const cleanupAll = () => {
    for (const state of [...live.values()]) cleanupSync(state);
  };
  process.once("exit", cleanupAll);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      cleanupAll();
      // Dying of the same signal keeps the exit status the sender expects.
      process.kill(process.pid, signal);
    });
  }
}
