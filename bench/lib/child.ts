import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** A helper process that announced itself with one JSON line on stdout. */
export interface JsonChild<T> {
  info: T;
  child: ChildProcess;
  /** Closes its stdin (the helpers exit on that) and waits; SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/**
 * Starts a TypeScript helper (through tsx), optionally inside a network namespace with
 * `ip netns exec`, and waits for the first stdout line, parsed as JSON.
 */
export function startTsChild<T>(script: string, args: string[], netns?: string): Promise<JsonChild<T>> {
  const node = [process.execPath, "--import", "tsx", join(repoRoot, script), ...args];
  const [cmd, ...argv] = netns ? ["ip", "netns", "exec", netns, ...node] : node;
  const child = spawn(cmd!, argv, { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => reject(new Error(`${script}: ${why}\n${stderr.slice(-2000)}`));
    child.once("exit", (code) => fail(`exited with ${code} before announcing itself`));
    child.once("error", (e) => fail(e.message));
    lines.once("line", (line) => {
      child.removeAllListeners("exit");
      let info: T;
      try {
        info = JSON.parse(line) as T;
      } catch {
        return fail(`first line is not JSON: ${line}`);
      }
      resolve({ info, child, stop: () => stopChild(child) });
    });
  });
}

/** Stops a child started by this bench: close stdin, then SIGKILL if it lingers. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}
