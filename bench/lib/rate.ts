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
}

export async function measureRate(
  op: () => Promise<boolean>,
  { concurrency, durationMs, warmupMs = 300 }: { concurrency: number; durationMs: number; warmupMs?: number },
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
  const started = performance.now();
  await sleep(durationMs);
  stop = true;
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers);
  return { ops, failures, seconds, perSecond: ops / seconds, ...(firstError ? { firstError } : {}) };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
