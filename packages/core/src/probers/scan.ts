import { performance } from "node:perf_hooks";
import type { Dial, DialAnswer } from "./dialer.js";
import { INITIAL_SCAN_TIMEOUT_MS, MAX_SCAN_TIMEOUT_MS, MIN_SCAN_TIMEOUT_MS, RttEstimator } from "./timing.js";

/** Retransmissions of an unanswered SYN at most (nmap -T4's max-retries); fewer while no retransmission was ever answered. */
export const MAX_SCAN_RETRIES = 6;
/** Connects in flight at the start (nmap's initial cwnd). */
const INITIAL_CWND = 10;
const LOW_CWND = 1;
/** A local resource error (no free port or descriptor) puts the port back this many times before it counts. */
const MAX_LOCAL_REQUEUES = 3;

export interface PortScanOptions {
  address: string;
  family: 4 | 6;
  /** Ports to scan; they are tried in random order (as nmap does), so a block of dropped ports does not starve the RTT estimate. */
  ports: number[];
  dial: Dial;
  /** This destination's RTT estimate: seeded from its history, fed by every answer of the scan. */
  estimator: RttEstimator;
  /** Ceiling of one try's timeout (the configured per-probe timeout). */
  budgetMs: number;
  /** Ceiling of the congestion window. */
  maxParallel: number;
  maxRetries?: number;
  signal?: AbortSignal;
}

export interface PortScanReport {
  /** Open ports with the connect time of the try that got the SYN/ACK. */
  open: { port: number; connectMs: number }[];
  closed: number;
  selfConnects: number;
  /** Ports still unanswered after their last try, or answered by something other than SYN/ACK or RST. */
  filtered: number;
  timeouts: number;
  /** Ports `ctx.connect` refused to dial (the guard). */
  refused: number;
  notScanned: number;
  errors: Record<string, number>;
  stats: { tries: number; retransmissions: number; drops: number; maxCwnd: number; timeoutMs: number };
}

interface InFlight {
  port: number;
  tryNo: number;
  sentAt: number;
  cancel: () => void;
  requeues: number;
}

/**
 * nmap's connect-scan timing over `dial`: every answer (SYN/ACK or RST) is an RTT sample, a try's timeout is
 * srtt + 4·rttvar (within [100 ms, min(budget, 1250 ms)]), an unanswered SYN is sent again before the port is
 * called filtered — once while no retransmission has ever been answered (a firewall that drops a port drops it
 * every time), up to `maxRetries` once the path has shown it loses packets — and a congestion window grows
 * per finished try (slow start, then +1/cwnd) and halves when a retransmission is answered (the first SYN was
 * lost on the path).
 */
export function scanPorts(options: PortScanOptions): Promise<PortScanReport> {
  return new Promise((resolve) => new PortScan(options, resolve).start());
}

class PortScan {
  private readonly report: PortScanReport = {
    open: [], closed: 0, selfConnects: 0, filtered: 0, timeouts: 0, refused: 0, notScanned: 0, errors: {},
    stats: { tries: 0, retransmissions: 0, drops: 0, maxCwnd: INITIAL_CWND, timeoutMs: 0 },
  };
  private readonly inFlight = new Set<InFlight>();
  private readonly retransmit: { port: number; tryNo: number; requeues: number }[] = [];
  private readonly ceilingMs: number;
  private readonly maxRetries: number;
  private readonly order: number[];
  private nextPort = 0;
  private finalized = 0;
  private cwnd = INITIAL_CWND;
  /** Slow start runs up to the ceiling until the path shows a loss (RFC 5681: the initial ssthresh is arbitrarily high). */
  private ssthresh: number;
  private maxAnsweredTry = 0;
  private answered = 0;
  /** Tries sent before this moment cannot signal another drop (one reaction per loss event). */
  private lastDropAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(private readonly o: PortScanOptions, private readonly finish: (report: PortScanReport) => void) {
    this.ceilingMs = Math.max(1, Math.min(o.budgetMs, MAX_SCAN_TIMEOUT_MS));
    this.maxRetries = o.maxRetries ?? MAX_SCAN_RETRIES;
    this.order = shuffled(o.ports);
    this.ssthresh = o.maxParallel;
  }

  start(): void {
    if (this.o.signal?.aborted) return this.end();
    this.o.signal?.addEventListener("abort", this.onAbort, { once: true });
    this.pump();
  }

  private readonly onAbort = () => {
    for (const probe of this.inFlight) probe.cancel();
    this.inFlight.clear();
    this.end();
  };

  private timeoutMs(): number {
    return this.o.estimator.timeoutMs(MIN_SCAN_TIMEOUT_MS, this.ceilingMs, Math.min(INITIAL_SCAN_TIMEOUT_MS, this.ceilingMs));
  }

  private pump(): void {
    if (this.done) return;
    const window = Math.max(LOW_CWND, Math.min(Math.floor(this.cwnd), this.o.maxParallel));
    while (this.inFlight.size < window) {
      const again = this.retransmit.shift();
      if (again) this.send(again.port, again.tryNo, again.requeues);
      else if (this.nextPort < this.order.length) this.send(this.order[this.nextPort++]!, 0, 0);
      else break;
    }
    if (this.finalized === this.o.ports.length) return this.end();
    this.arm();
  }

  private send(port: number, tryNo: number, requeues: number): void {
    const sentAt = performance.now();
    const probe: InFlight = { port, tryNo, sentAt, cancel: noop, requeues };
    this.inFlight.add(probe);
    this.report.stats.tries += 1;
    if (tryNo > 0) this.report.stats.retransmissions += 1;
    probe.cancel = this.o.dial(this.o.address, this.o.family, port, (answer) => this.onAnswer(probe, answer));
  }

  private onAnswer(probe: InFlight, answer: DialAnswer): void {
    if (!this.inFlight.delete(probe)) return;
    const rttMs = performance.now() - probe.sentAt;
    switch (answer.kind) {
      case "open":
      case "closed":
        this.answeredAfter(probe, rttMs);
        if (answer.kind === "closed") this.report.closed += 1;
        else if (answer.selfConnect) {
          this.report.closed += 1;
          this.report.selfConnects += 1;
        } else this.report.open.push({ port: probe.port, connectMs: Math.round(rttMs * 100) / 100 });
        break;
      case "refused":
        this.report.refused += 1;
        this.count(answer.errno);
        break;
      case "error":
        if (answer.local && probe.requeues < MAX_LOCAL_REQUEUES) {
          // This machine is out of ports or descriptors: fewer connects at once, and the port goes again.
          this.cwnd = Math.max(LOW_CWND, this.cwnd / 2);
          this.retransmit.push({ port: probe.port, tryNo: probe.tryNo, requeues: probe.requeues + 1 });
          setImmediate(() => this.pump());
          return;
        }
        this.report.filtered += 1;
        this.count(answer.errno);
        break;
    }
    this.finalized += 1;
    this.pump();
  }

  /** An answer: an RTT sample, a wider window, and a drop when it answers a retransmission. */
  private answeredAfter(probe: InFlight, rttMs: number): void {
    this.o.estimator.observe(rttMs);
    this.answered += 1;
    if (probe.tryNo > this.maxAnsweredTry) this.maxAnsweredTry = probe.tryNo;
    if (probe.tryNo > 0 && probe.sentAt > this.lastDropAt) {
      this.lastDropAt = performance.now();
      this.report.stats.drops += 1;
      this.ssthresh = Math.max(2, Math.floor(this.inFlight.size / 2));
      this.cwnd = Math.max(LOW_CWND, this.cwnd / 2);
      return;
    }
    this.grow();
  }

  /**
   * Slow start below ssthresh, +1/cwnd above. A try that timed out grows the window too: a port a firewall drops
   * is dropped on every try, which is not congestion; a path that loses packets shows it by answering a
   * retransmission, and that halves the window.
   */
  private grow(): void {
    this.cwnd = Math.min(this.o.maxParallel, this.cwnd + (this.cwnd < this.ssthresh ? 1 : 1 / this.cwnd));
    if (this.cwnd > this.report.stats.maxCwnd) this.report.stats.maxCwnd = Math.floor(this.cwnd);
  }

  /**
   * Timeouts are swept on a tick and decided one turn later (setImmediate runs after the poll phase), so an
   * answer that arrived while the process was busy is read before its try is declared unanswered.
   */
  private arm(): void {
    if (this.timer || this.inFlight.size === 0) return;
    const tick = Math.max(5, Math.min(50, this.timeoutMs() / 8));
    this.timer = setTimeout(() => setImmediate(this.sweep), tick);
  }

  private readonly sweep = () => {
    this.timer = undefined;
    if (this.done) return;
    // Against the timeout as it is now: the first tries, sent with the initial guess, end as soon as the RTTs say so.
    const expiredBefore = performance.now() - this.timeoutMs();
    const allowedTries = 1 + Math.min(this.maxRetries, this.maxAnsweredTry + 1);
    for (const probe of this.inFlight) {
      if (probe.sentAt > expiredBefore) continue;
      this.inFlight.delete(probe);
      probe.cancel();
      this.grow();
      if (probe.tryNo + 1 < allowedTries) {
        this.retransmit.push({ port: probe.port, tryNo: probe.tryNo + 1, requeues: probe.requeues });
        continue;
      }
      this.report.filtered += 1;
      this.report.timeouts += 1;
      this.count("ETIMEDOUT");
      this.finalized += 1;
    }
    this.pump();
  };

  private count(errno: string): void {
    this.report.errors[errno] = (this.report.errors[errno] ?? 0) + 1;
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.o.signal?.removeEventListener("abort", this.onAbort);
    this.report.notScanned = this.o.ports.length - this.finalized;
    this.report.stats.timeoutMs = this.timeoutMs();
    // Only a scan that heard nothing at all marks the destination silent; filtered ports of a host that answers do not.
    if (this.answered === 0 && this.report.timeouts > 0) this.o.estimator.timedOut();
    this.report.open.sort((a, b) => a.port - b.port);
    this.finish(this.report);
  }
}

function noop(): void {}

function shuffled(ports: number[]): number[] {
  const order = ports.slice();
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
