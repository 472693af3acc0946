/**
 * Long-running TypeScript helpers inside a namespace (`ip netns exec … node --import tsx`),
 * talking JSON lines: the first line announces readiness, then one reply per request.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface NsProcess<Ready> {
  ready: Ready;
  /** Sends one JSON line and resolves the next line the helper writes, parsed. */
  request<Reply>(message: unknown): Promise<Reply>;
  /** SIGKILL, as a crashed region would die; resolves when it is gone. */
  kill(): Promise<void>;
  /** Closes stdin (the helper exits), SIGKILL after 3 s. */
  stop(): Promise<void>;
}

export async function startInNamespace<Ready>(ns: string, script: string, spec: unknown): Promise<NsProcess<Ready>> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn("ip", ["netns", "exec", ns, process.execPath, "--import", "tsx", path, JSON.stringify(spec)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiting: Array<(line: string | undefined) => void> = [];
  lines.on("line", (line) => (waiting.length ? waiting.shift()!(line) : queue.push(line)));
  child.once("exit", () => {
    for (const resolve of waiting.splice(0)) resolve(undefined);
  });
  const next = () => new Promise<string | undefined>((resolve) => (queue.length ? resolve(queue.shift()) : waiting.push(resolve)));
  const parse = (line: string | undefined) => {
    if (line === undefined) throw new Error(`${script} in ${ns} exited: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
    return JSON.parse(line);
  };
  const ready = parse(await next()) as Ready;
  return {
    ready,
    request: async <Reply>(message: unknown) => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${script} in ${ns} is not running`);
      child.stdin!.write(JSON.stringify(message) + "\n");
      return parse(await next()) as Reply;
    },
    kill: () => terminate(child, lines, "SIGKILL"),
    stop: () => terminate(child, lines),
  };
}

function terminate(child: ChildProcess, lines: Interface, signal?: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(timer);
      lines.close();
      resolve();
    });
    if (signal) child.kill(signal);
    else child.stdin!.end();
  });
}
