import { spawn, type ChildProcess } from "node:child_process";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../../packages/cli/bin/probemesh.js", import.meta.url));

/** A child process with its output (stdout and stderr) kept line by line. */
export interface LoggedProcess {
  child: ChildProcess;
  lines: string[];
  /** Resolves the first line from line `from` on (already seen or coming) matching `pattern`; rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number, from?: number): Promise<string>;
  /** Resolves the exit code once the process is gone. */
  exited: Promise<number | null>;
}

/** A `probemesh agent` child process (the real bin). */
export type AgentProcess = LoggedProcess;

/** Starts the package's bin as `probemesh agent …`; with `netns`, inside that network namespace (`ip netns exec` execs, so the pid is the agent's). */
export function startAgent(args: string[], env: Record<string, string>, options: { netns?: string } = {}): AgentProcess {
  const command = [process.execPath, BIN, "agent", ...args];
  return startLogged(options.netns ? ["ip", "netns", "exec", options.netns, ...command] : command, { ...process.env, ...env });
}

/** Spawns `command` and keeps its output line by line. */
export function startLogged(command: string[], env: NodeJS.ProcessEnv, cwd?: string): LoggedProcess {
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}) });
  const lines: string[] = [];
  const watchers: Array<() => void> = [];
  let buffered = "";
  const take = (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    const parts = buffered.split("\n");
    buffered = parts.pop()!;
    lines.push(...parts);
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => {
    for (const watcher of [...watchers]) watcher();
    resolve(code);
  }));
  return {
    child,
    lines,
    exited,
    waitFor(pattern, timeoutMs = 60_000, from = 0) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no line matching ${pattern} in ${timeoutMs} ms:\n${lines.slice(-15).join("\n")}`)), timeoutMs);
        const check = () => {
          const line = lines.slice(from).find((l) => pattern.test(l));
          if (line !== undefined) return finish(undefined, line);
          if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${command[0]} exited (${child.exitCode ?? child.signalCode}) before ${pattern}:\n${lines.slice(-15).join("\n")}`));
        };
        function finish(error?: Error, line?: string) {
          clearTimeout(timer);
          const at = watchers.indexOf(check);
          if (at >= 0) watchers.splice(at, 1);
          if (error) reject(error);
          else resolve(line!);
        }
        watchers.push(check);
        check();
      });
    },
  };
}

/**
 * A TCP relay in front of the API that the test can take down (connections refused, open ones
 * cut) and bring back on the same port: the API as the agent sees it, unreachable and back.
 */
export class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(): Promise<void> {
    const server = createServer((socket) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(socket).add(upstream);
      const drop = () => {
        socket.destroy();
        upstream.destroy();
        this.sockets.delete(socket);
        this.sockets.delete(upstream);
      };
      socket.on("error", drop).on("close", drop);
      upstream.on("error", drop).on("close", drop);
      socket.pipe(upstream).pipe(socket);
    });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(this.port, "127.0.0.1", () => resolve()));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Polls `read` until `accept` holds (the event), or fails after `timeoutMs` with the last value. */
export async function until<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`condition not met in ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 2000)}`);
}
