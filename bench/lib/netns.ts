/**
 * The bench's view of network namespaces: create (loopback up), run `ip` inside, remove.
 * Every namespace the bench makes is named `pmb-…` and removed in a finally block and on
 * Ctrl-C (lib/cleanup.ts).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { onInterrupt } from "./cleanup.js";

/** Why namespaces cannot be used here, or null. */
export function netnsMissing(): string | null {
  if (process.getuid?.() !== 0) return "not root: network namespaces need root";
  try {
    execFileSync("ip", ["netns", "list"], { stdio: "ignore" });
  } catch {
    return "`ip netns` is not available";
  }
  return null;
}

export function ip(...args: string[]): string {
  return execFileSync("ip", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs `ip` inside `ns` (e.g. `ipIn(ns, "addr", "add", …)`). */
export function ipIn(ns: string, ...args: string[]): string {
  return ip("-n", ns, ...args);
}

export interface Namespace {
  name: string;
  remove(): void;
}

/** Creates `name` with its loopback up; `remove()` deletes it (idempotent). */
export function createNamespace(name: string): Namespace {
  if (existsSync(`/var/run/netns/${name}`)) ip("netns", "del", name);
  ip("netns", "add", name);
  const remove = onInterrupt(() => {
    if (existsSync(`/var/run/netns/${name}`)) ip("netns", "del", name);
  });
  ipIn(name, "link", "set", "lo", "up");
  return { name, remove };
}
