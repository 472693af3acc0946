/**
 * Connect timing learnt from the answers that do come back, nmap-style (RFC 6298 estimator): the one
 * home of how long a TCP connect may wait for an answer. A range scan and every single connect read
 * and feed the same per-destination history, so a host that answers in 1 ms is not given 5 s per
 * dropped port, and a host that has stayed silent does not cost the full budget every round.
 */

/** Shortest connect timeout a range scan uses, however fast the destination answers (nmap -T4's min-rtt-timeout). */
export const MIN_SCAN_TIMEOUT_MS = 100;
/** Longest per-try timeout of a range scan once the destination has answered (nmap -T4's max-rtt-timeout). */
export const MAX_SCAN_TIMEOUT_MS = 1250;
/** First-try timeout of a range scan against a destination with no history (nmap's initial-rtt-timeout). */
export const INITIAL_SCAN_TIMEOUT_MS = 1000;
/**
 * Shortest timeout of a single connect check. A lost SYN is retransmitted by the kernel after 1 s, so a
 * single check waits at least that long before it gives up on a try.
 */
export const MIN_CHECK_TIMEOUT_MS = 1000;
/** A destination whose last connect timed out with no answer since gets this long (bounded by the budget). */
export const SILENT_CHECK_TIMEOUT_MS = 1000;
/** Lower bound of the RTT variance: a loopback RTT of 50 µs must not make the timeout 200 µs. */
const MIN_RTTVAR_MS = 5;
/** Samples beyond this are a stalled process or a clock jump, not an RTT. */
const MAX_SAMPLE_MS = 8000;
/** Destinations remembered per process (a Lambda container keeps its history while warm). */
const MAX_DESTINATIONS = 4096;

/** Smoothed RTT and its variance (srtt, rttvar) of one destination. */
export class RttEstimator {
  srttMs: number | undefined;
  rttvarMs = 0;
  /** Answers seen (SYN/ACK or RST). */
  samples = 0;
  /** Timeouts since the last answer. */
  silentStreak = 0;

  /** One answer `ms` after the SYN went out. */
  observe(ms: number): void {
    this.silentStreak = 0;
    if (!(ms >= 0) || ms > MAX_SAMPLE_MS) return;
    this.samples += 1;
    if (this.srttMs === undefined) {
      this.srttMs = ms;
      this.rttvarMs = Math.max(MIN_RTTVAR_MS, ms);
      return;
    }
    const delta = ms - this.srttMs;
    this.srttMs += delta / 8;
    this.rttvarMs = Math.max(MIN_RTTVAR_MS, this.rttvarMs + (Math.abs(delta) - this.rttvarMs) / 4);
  }

  /** A try that got no answer in time. */
  timedOut(): void {
    this.silentStreak += 1;
  }

  /** srtt + 4·rttvar within [floor, ceiling]; `fallback` (clamped) before the first answer. */
  timeoutMs(floor: number, ceiling: number, fallback: number): number {
    const raw = this.srttMs === undefined ? fallback : this.srttMs + 4 * this.rttvarMs;
    return Math.round(Math.min(ceiling, Math.max(Math.min(floor, ceiling), raw)));
  }

  /** What a result shows of the estimate. */
  describe(): { srttMs?: number; rttvarMs?: number; samples: number } {
    return this.srttMs === undefined
      ? { samples: this.samples }
      : { srttMs: roundMs(this.srttMs), rttvarMs: roundMs(this.rttvarMs), samples: this.samples };
  }
}

const destinations = new Map<string, RttEstimator>();

/** The process-wide estimator of `address` (created on first use, least recently used evicted). */
export function destinationTiming(address: string): RttEstimator {
  let estimator = destinations.get(address);
  if (estimator) {
    destinations.delete(address);
  } else {
    estimator = new RttEstimator();
    if (destinations.size >= MAX_DESTINATIONS) destinations.delete(destinations.keys().next().value!);
  }
  destinations.set(address, estimator);
  return estimator;
}

/** Forgets every destination's history (tests that need a fresh start). */
export function forgetDestinationTimings(): void {
  destinations.clear();
}

/**
 * The tries of a single connect to `address` within `budgetMs`:
 * - no history: one try with the whole budget (nothing is known yet, today's behaviour);
 * - silent since its last timeout: one short try (a black-holed host no longer holds a round for the budget);
 * - answering: srtt + 4·rttvar (at least 1 s), then one retransmission with twice that, within the budget.
 */
export function connectTries(address: string, budgetMs: number): number[] {
  const estimator = destinations.get(address);
  if (!estimator || (estimator.samples === 0 && estimator.silentStreak === 0)) return [budgetMs];
  if (estimator.silentStreak > 0) return [Math.min(budgetMs, SILENT_CHECK_TIMEOUT_MS)];
  const first = estimator.timeoutMs(MIN_CHECK_TIMEOUT_MS, budgetMs, budgetMs);
  const rest = budgetMs - first;
  return rest > 0 ? [first, Math.min(rest, 2 * first)] : [first];
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
