import { readFileSync } from "node:fs";
/**
 * Closed-loop throughput measurement: `concurrency` workers each run `op` back to back
 * until the window closes. Every contender in a comparison goes through this same loop,
 * so the ratio compares the probing code, not the driver.
 */
export interface RateSample {
  ops: number;
  failures: number;
  seconds: number;
  perSecond: number;
  firstError?: string;
  /** CPU ms per counted operation, per meter (e.g. the client's and the server's processes). */
  cpuMsPerOp?: Record<string, number>;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (USER_HZ = 100 on Linux). */
export function cpuMsOfPid(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU time this process has used so far, in ms. */
export function cpuMsOfSelf(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export async function measureRate(
  op: () => Promise<boolean>,
  { concurrency, durationMs, warmupMs = 300, meters = {} }: { concurrency: number; durationMs: number; warmupMs?: number; meters?: Record<string, () => number> },
): Promise<RateSample> {
  let counting = false;
  let stop = false;
  let ops = 0;
  let failures = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (!stop) {
      let ok = false;
      try {
        ok = await op();
        if (!ok) firstError ??= "operation reported failure";
      } catch (error) {
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      if (counting && !stop) ok ? ops++ : failures++;
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(warmupMs);
  counting = true;
  const cpuAtStart = Object.entries(meters).map(([name, read]) => [name, read()] as const);
  const started = performance.now();
  await sleep(durationMs);
  stop = true;
  const seconds = (performance.now() - started) / 1000;
  const counted = ops;
  const cpuMsPerOp = Object.fromEntries(cpuAtStart.map(([name, at]) => [name, (meters[name]!() - at) / Math.max(1, counted)]));
  await Promise.all(workers);
  return { ops, failures, seconds, perSecond: ops / seconds, ...(firstError ? { firstError } : {}), ...(cpuAtStart.length ? { cpuMsPerOp } : {}) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
