import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Region workers of the local mesh: one Node process per region running the built probe
 * bundle behind the Invoke API (invoke/host.ts), as Lambda runs one function per region.
 * A worker that dies is restarted on the same port (its region reads stale meanwhile,
 * because its round gets no answer).
 */

export interface WorkerSpec {
  region: string;
  functionName: string;
  /** The built invoke host and the handler bundle it serves. */
  hostFile: string;
  handlerFile: string;
  /** The function's environment (the Lambda environment: settings + local endpoints). */
  env: Record<string, string | undefined>;
  timeoutMs: number;
  /** Wait before a restart (default 500 ms). */
  restartDelayMs?: number;
}

export interface RegionWorker {
  region: string;
  url: string;
  /** The current process's pid. */
  pid(): number | undefined;
  /** Resolves when a worker process has exited `count` times in all (not counting stop()). */
  exited(count: number): Promise<void>;
  /** Resolves when the worker has been restarted `count` times in all. */
  restarted(count: number): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 500;

/** Starts one region's worker and keeps it running until `stop()`. */
export async function startWorker(spec: WorkerSpec, log: (line: string) => void): Promise<RegionWorker> {
  let child: ChildProcess | undefined;
  let stopping = false;
  let restarts = 0;
  let exits = 0;
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  const exitWaiters: Array<{ count: number; resolve: () => void }> = [];

  const launch = (port: number) =>
    new Promise<string>((resolve, reject) => {
      const proc = spawn(process.execPath, [spec.hostFile], {
        env: {
          ...spec.env,
          AWS_REGION: spec.region,
          AWS_LAMBDA_FUNCTION_NAME: spec.functionName,
          PROBEMESH_HANDLER_BUNDLE: spec.handlerFile,
          PROBEMESH_FUNCTION_NAME: spec.functionName,
          PROBEMESH_INVOKE_PORT: String(port),
          PROBEMESH_FUNCTION_TIMEOUT_MS: String(spec.timeoutMs),
        },
        // stdin stays open and unused: when the mesh dies, even by SIGKILL, it closes and the worker exits.
        stdio: ["pipe", "pipe", "pipe"],
      });
      child = proc;
      let ready = false;
      createInterface({ input: proc.stdout! }).on("line", (line) => {
        if (ready) return log(`${spec.region}: ${line}`);
        try {
          const { url } = JSON.parse(line) as { url: string };
          ready = true;
          resolve(url);
        } catch {
          log(`${spec.region}: ${line}`);
        }
      });
      createInterface({ input: proc.stderr! }).on("line", (line) => log(`${spec.region}: ${line}`));
      proc.once("exit", (code, signal) => {
        if (!ready) return reject(new Error(`worker ${spec.region} exited before listening (${signal ?? code})`));
        if (stopping) return;
        exits += 1;
        for (const waiter of exitWaiters.filter((w) => exits >= w.count)) waiter.resolve();
        log(`worker ${spec.region} (pid ${proc.pid}) exited (${signal ?? `code ${code}`}): restarting; the region reads stale until it answers again`);
        setTimeout(() => {
          if (stopping) return;
          // Same port again: the invoker's endpoint for this region does not change.
          launch(Number(new URL(url).port)).then(
            () => {
              restarts += 1;
              log(`worker ${spec.region} restarted (pid ${child?.pid})`);
              for (const waiter of waiters.filter((w) => restarts >= w.count)) waiter.resolve();
            },
            (error) => log(`worker ${spec.region} failed to restart: ${(error as Error).message}`),
          );
        }, spec.restartDelayMs ?? RESTART_DELAY_MS);
      });
    });

  let url = "";
  url = await launch(0);
  return {
    region: spec.region,
    url,
    pid: () => child?.pid,
    exited: (count) => (exits >= count ? Promise.resolve() : new Promise((resolve) => exitWaiters.push({ count, resolve }))),
    restarted: (count) => (restarts >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    async stop() {
      stopping = true;
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once("exit", () => resolve());
        proc.kill("SIGTERM");
        setTimeout(() => proc.kill("SIGKILL"), 10_000).unref();
      });
    },
  };
}
