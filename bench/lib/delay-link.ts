/**
 * A point-to-point link between two namespaces with a known one-way delay: a TUN device in each,
 * joined by bench/lib/tun-delay.py. Without python3 or /dev/net/tun it falls back to a plain
 * veth pair (no added delay), and says so.
 */
import { spawn, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { repoRoot, stopChild } from "./child.js";
import { onInterrupt } from "./cleanup.js";
import { ipIn, ip } from "./netns.js";

export interface DelayLink {
  /** Device on the client side (capture here). */
  clientDev: string;
  /** One-way delay added per direction, ms (0 for the veth fallback). */
  oneWayMs: number;
  kind: "tun-delay" | "veth";
  note?: string;
  close(): Promise<void>;
}

function hasPython(): boolean {
  try {
    execFileSync("python3", ["-c", "import ctypes, fcntl"], { stdio: "ignore" });
    return existsSync("/dev/net/tun");
  } catch {
    return false;
  }
}

function address(ns: string, dev: string, local: string, peer: string): void {
  ipIn(ns, "addr", "add", `${local}/32`, "dev", dev);
  ipIn(ns, "link", "set", dev, "up");
  ipIn(ns, "route", "add", `${peer}/32`, "dev", dev);
}

export async function createDelayLink(opts: { client: string; server: string; clientIp: string; serverIp: string; oneWayMs: number }): Promise<DelayLink> {
  const clientDev = "pmbc0";
  const serverDev = "pmbs0";
  if (!hasPython()) {
    ip("link", "add", clientDev, "netns", opts.client, "type", "veth", "peer", "name", serverDev, "netns", opts.server);
    address(opts.client, clientDev, opts.clientIp, opts.serverIp);
    address(opts.server, serverDev, opts.serverIp, opts.clientIp);
    return { clientDev, oneWayMs: 0, kind: "veth", note: "python3 or /dev/net/tun missing: veth link, no added delay", close: async () => {} };
  }
  const child = spawn("python3", [join(repoRoot, "bench/lib/tun-delay.py"), opts.client, clientDev, opts.server, serverDev, String(opts.oneWayMs)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const kill = onInterrupt(() => child.kill("SIGKILL"));
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`tun-delay exited with ${code}: ${stderr}`)));
    createInterface({ input: child.stdout! }).once("line", (line) => (line === "ready" ? resolve() : reject(new Error(line))));
  });
  child.removeAllListeners("exit");
  address(opts.client, clientDev, opts.clientIp, opts.serverIp);
  address(opts.server, serverDev, opts.serverIp, opts.clientIp);
  return {
    clientDev,
    oneWayMs: opts.oneWayMs,
    kind: "tun-delay",
    close: async () => {
      await stopChild(child);
      kill();
    },
  };
}
