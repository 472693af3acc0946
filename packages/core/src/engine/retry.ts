import type { Outcome, ProbeResult } from "../result/index.js";

export { MAX_RETRIES } from "../check/index.js";

/**
 * The retry policy of probes inside one round (profile `retries`): a probe that timed out or was
 * reset is tried again after a short backoff before its result counts. Thresholds across rounds
 * (core/verdict) are a separate matter and stay as they are.
 */

/** Retries after the first attempt when neither the check nor the caller says otherwise. */
export const DEFAULT_RETRIES = 1;

const TIMEOUTS: ReadonlySet<Outcome> = new Set<Outcome>(["tcp_timeout", "http_timeout", "dns_timeout"]);
const RESET_ERRNOS = new Set(["ECONNRESET", "EPIPE"]);

/**
 * True for a failed probe worth trying again: a timeout, or a connection reset (at connect, in the
 * TLS handshake or before the HTTP answer). A refusal, a wrong certificate or status is an answer and
 * is not retried; neither is a probe the round's deadline aborted.
 */
export function isTransientFailure(result: ProbeResult): boolean {
  if (result.status !== "fail") return false;
  const detail = result.detail ?? {};
  if (detail.deadline !== undefined || detail.aborted === true) return false;
  if (TIMEOUTS.has(result.outcome)) return true;
  if (typeof detail.errno === "string" && RESET_ERRNOS.has(detail.errno)) return true;
  return result.outcome === "tls_handshake_failed" && detail.error === "handshake timed out";
}

/** Wait before retry number `retry` (1-based): 100 ms, 200 ms, 400 ms… at most 1 s, plus up to 25 % jitter. */
export function retryBackoffMs(retry: number, random: () => number = Math.random): number {
  const base = Math.min(1000, 100 * 2 ** Math.max(0, retry - 1));
  return Math.round(base * (1 + random() / 4));
}

/** One earlier attempt as the final result records it in `detail.retried`. */
export interface EarlierAttempt {
  at: string;
  outcome: Outcome;
  durationMs: number;
}

export interface RetryOptions {
  /** Retries after the first attempt (0 = none). */
  retries: number;
  /** Aborting stops the waiting (the round's deadline); the last attempt's results are returned. */
  signal?: AbortSignal;
  /** Override of `retryBackoffMs` (tests). */
  backoffMs?: (retry: number) => number;
}

/**
 * Runs `attempt` until it yields something other than one transient failure, or the retries are used up.
 * Only single-result probes are retried; the caller passes 0 retries for a port range (one scan, not one probe).
 * A retried result keeps its own timings and records `detail.attempts` and the `detail.retried` attempts
 * before it; a result that needed one attempt is left as it is.
 */
export async function withRetries(attempt: () => Promise<ProbeResult[]>, options: RetryOptions): Promise<ProbeResult[]> {
  const earlier: EarlierAttempt[] = [];
  let results = await attempt();
  while (earlier.length < options.retries && results.length === 1 && isTransientFailure(results[0]!) && !options.signal?.aborted) {
    if (!(await pause((options.backoffMs ?? retryBackoffMs)(earlier.length + 1), options.signal))) break;
    const failed = results[0]!;
    earlier.push({ at: failed.at, outcome: failed.outcome, durationMs: failed.durationMs });
    results = await attempt();
  }
  if (earlier.length === 0) return results;
  return results.map((result) => ({ ...result, detail: { ...result.detail, attempts: earlier.length + 1, retried: earlier } }));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
