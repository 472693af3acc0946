import { isIP, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { OUTCOMES, type Expectation, type Kind, type Outcome, type Phases, type ProbeResult, type Status } from "../result/index.js";
import { formatTarget, type Target } from "../target/index.js";
import type { ProbeContext } from "./types.js";

/** Why a probe stopped early; carries the outcome and what was learnt so far. */
export class ProbeFailure extends Error {
  override name = "ProbeFailure";
  constructor(
    readonly outcome: Outcome,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(outcome);
  }
}

/** Outcomes that prove the destination answered: an `expect=blocked` check fails on them. */
const REACHED: ReadonlySet<Outcome> = new Set<Outcome>([
  "ok", "udp_reply", "http_status", "tls_handshake_failed", "tls_cert_expired", "tls_cert_untrusted", "tls_name_mismatch",
  "tls_cert_expiring",
]);
/** Outcomes that say nothing either way. */
const UNKNOWN: ReadonlySet<Outcome> = new Set<Outcome>(["udp_no_reply", "unsupported"]);

/**
 * pass / fail / inconclusive for an outcome. `blocked` inverts pass and fail while the outcome keeps
 * what was seen; `reached` overrides the outcome's default (an http_timeout after the connect did reach).
 */
export function statusFor(outcome: Outcome, expect: Expectation | undefined, reached = REACHED.has(outcome)): Status {
  if (outcome === "invalid_target") return "fail";
  if (UNKNOWN.has(outcome)) return "inconclusive";
  if (expect === "blocked") return reached ? "fail" : "pass";
  return outcome === "ok" || outcome === "udp_reply" ? "pass" : "fail";
}

/** Measures one probe: start time, elapsed milliseconds, remaining budget. */
export class Clock {
  readonly at: string;
  private readonly started = performance.now();
  private readonly budgetMs: number;
  constructor(ctx: ProbeContext) {
    this.at = (ctx.now?.() ?? new Date()).toISOString();
    this.budgetMs = ctx.timeoutMs;
  }
  elapsed(): number {
    return round(performance.now() - this.started);
  }
  remaining(): number {
    return Math.max(1, this.budgetMs - (performance.now() - this.started));
  }
}

/** Times one step: `const stop = lap(); …; phases.connectMs = stop()`. */
export function lap(): () => number {
  const started = performance.now();
  return () => round(performance.now() - started);
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

export interface ResultParts {
  outcome: Outcome;
  phases?: Phases;
  remoteAddress?: string;
  detail?: Record<string, unknown>;
  reached?: boolean;
  /** Per-port results of a range scan get their own id. */
  checkId?: string;
}

/** Builds the result object every prober returns. */
export function makeResult(target: Target, ctx: ProbeContext, clock: Clock, parts: ResultParts): ProbeResult {
  const result: ProbeResult = {
    checkId: parts.checkId ?? ctx.checkId,
    target: formatTarget(target),
    kind: target.kind as Kind,
    region: ctx.region,
    at: clock.at,
    status: statusFor(parts.outcome, target.expect, parts.reached),
    outcome: parts.outcome,
    durationMs: clock.elapsed(),
    phases: parts.phases ?? {},
  };
  if (parts.remoteAddress) result.remoteAddress = parts.remoteAddress;
  if (ctx.localAddress) result.egressIp = ctx.localAddress;
  if (parts.detail && Object.keys(parts.detail).length > 0) result.detail = parts.detail;
  if (target.expect) result.expect = target.expect;
  return result;
}

/**
 * Turns what a step threw into a result; phase timings and the address found in the failure's detail move
 * to the top level. Programming errors are not swallowed.
 */
export function failureResult(error: unknown, target: Target, ctx: ProbeContext, clock: Clock, parts: Omit<ResultParts, "outcome"> = {}): ProbeResult {
  if (!(error instanceof ProbeFailure)) throw error;
  const { dnsMs, connectMs, tlsMs, firstByteMs, remoteAddress, ...detail } = { ...parts.detail, ...error.detail };
  const phases: Phases = { ...parts.phases };
  for (const [key, value] of Object.entries({ dnsMs, connectMs, tlsMs, firstByteMs })) {
    if (typeof value === "number") phases[key as keyof Phases] = value;
  }
  const address = typeof remoteAddress === "string" ? remoteAddress : parts.remoteAddress;
  return makeResult(target, ctx, clock, { ...parts, outcome: error.outcome, phases, ...(address ? { remoteAddress: address } : {}), detail });
}

/** An error from an injected function that names its own outcome (e.g. an SSRF guard's refusal). */
export function declaredOutcome(error: unknown): Outcome | undefined {
  const outcome = (error as { outcome?: unknown })?.outcome;
  return typeof outcome === "string" && (OUTCOMES as readonly string[]).includes(outcome) ? (outcome as Outcome) : undefined;
}

export function errnoOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

/** errno and message of an error, for `detail`. */
export function describeError(error: unknown): Record<string, unknown> {
  const errno = errnoOf(error);
  return { ...(errno ? { errno } : {}), error: error instanceof Error ? error.message : String(error) };
}

/** Resolves `host` through `ctx.lookup` (IP literals skip it) to its first address; maps failures to dns_* outcomes. */
export async function resolveHost(host: string, ctx: ProbeContext, clock: Clock): Promise<{ address: string; family: 4 | 6; dnsMs?: number }> {
  const literal = literalAddress(host);
  if (literal) return literal;
  const { addresses, dnsMs } = await resolveAddresses(host, ctx, clock);
  return { ...addresses[0]!, ...(dnsMs === undefined ? {} : { dnsMs }) };
}

/** Every address `host` resolves to, in the resolver's order (at least one); failures map to dns_* outcomes. */
export async function resolveAddresses(host: string, ctx: ProbeContext, clock: Clock): Promise<{ addresses: { address: string; family: 4 | 6 }[]; dnsMs?: number }> {
  const literal = literalAddress(host);
  if (literal) return { addresses: [literal] };
  if (ctx.pinned?.host === host) return { addresses: [{ address: ctx.pinned.address, family: ctx.pinned.family }] };
  const stop = lap();
  let answers: Awaited<ReturnType<ProbeContext["lookup"]>>;
  try {
    answers = await raceBudget(ctx.lookup(host), clock.remaining(), ctx.signal, () => new ProbeFailure("dns_timeout", { host, dnsMs: stop() }));
  } catch (error) {
    if (error instanceof ProbeFailure) throw error;
    throw new ProbeFailure(declaredOutcome(error) ?? lookupOutcome(errnoOf(error)), { host, dnsMs: stop(), ...describeError(error) });
  }
  if (answers.length === 0) throw new ProbeFailure("dns_error", { host, dnsMs: stop(), error: "lookup returned no address" });
  const seen = new Set<string>();
  const addresses = answers.filter((answer) => !seen.has(answer.address) && seen.add(answer.address)).map(({ address, family }) => ({ address, family }));
  return { addresses, dnsMs: stop() };
}

/** An IP literal as `resolveHost` would answer it, without its turn of the event loop; undefined for a name. */
export function literalAddress(host: string): { address: string; family: 4 | 6 } | undefined {
  const family = isIP(host);
  return family ? { address: host, family: family === 6 ? 6 : 4 } : undefined;
}

/**
 * NXDOMAIN ≠ timeout ≠ anything else, from the resolver's own error: only a resolver that waited and
 * heard nothing (c-ares ETIMEOUT) is a timeout. getaddrinfo's EAI_AGAIN ("temporary failure") also
 * comes at once from a SERVFAIL or an unreachable resolver, so it is a dns_error (errno kept in
 * detail); running out of the probe's own budget is a dns_timeout wherever it happens.
 */
export function lookupOutcome(code: string | undefined): Outcome {
  if (code === "ENOTFOUND") return "dns_nxdomain";
  if (code === "ETIMEOUT" || code === "ETIMEDOUT") return "dns_timeout";
  return "dns_error";
}

/** Connect errors → outcomes; the errno is kept in detail. Prohibit routes give EACCES, blackholes EINVAL. */
export function connectOutcome(error: unknown): Outcome {
  const declared = declaredOutcome(error);
  if (declared) return declared;
  switch (errnoOf(error)) {
    case "ECONNREFUSED":
    case "ECONNRESET":
      return "tcp_refused";
    case "ETIMEDOUT":
      return "tcp_timeout";
    default:
      return "host_unreachable";
  }
}

/** Opens a TCP connection through `ctx.connect` to an IP, within `timeoutMs`. */
export function openTcp(ctx: ProbeContext, address: string, port: number, timeoutMs: number): Promise<{ socket: Socket; connectMs: number }> {
  const stop = lap();
  return new Promise((resolve, reject) => {
    let socket: Socket;
    try {
      socket = ctx.connect(ctx.localAddress ? { host: address, port, localAddress: ctx.localAddress } : { host: address, port });
    } catch (error) {
      reject(new ProbeFailure(connectOutcome(error), { address, port, ...describeError(error) }));
      return;
    }
    const finish = (failure?: ProbeFailure) => {
      clearTimeout(timer);
      ctx.signal?.removeEventListener("abort", onAbort);
      socket.off("connect", onConnect);
      socket.off("error", onError);
      if (failure) {
        socket.destroy();
        reject(failure);
      } else {
        resolve({ socket, connectMs: stop() });
      }
    };
    const onConnect = () => finish();
    const onError = (error: Error) => finish(new ProbeFailure(connectOutcome(error), { address, port, connectMs: stop(), ...describeError(error) }));
    const onAbort = () => finish(new ProbeFailure("tcp_timeout", { address, port, aborted: true }));
    const timer = setTimeout(() => finish(new ProbeFailure("tcp_timeout", { address, port, connectMs: stop() })), timeoutMs);
    socket.once("connect", onConnect);
    socket.once("error", onError);
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    if (ctx.signal?.aborted) onAbort();
  });
}

/** A TCP self-connect (source == destination) happens on loopback ranges and is never an open port. */
export function isSelfConnect(socket: Socket): boolean {
  return socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress;
}

/** The port to dial and what the lab map said about it. */
export function dialPort(ctx: ProbeContext, host: string, port: number): { port: number; detail: Record<string, unknown> } {
  const mapped = ctx.dial?.(host, port);
  if (!mapped || mapped.port === port) return { port, detail: {} };
  return { port: mapped.port, detail: { labPort: mapped.port, ...(mapped.note ? { labNote: mapped.note } : {}) } };
}

/** Races a promise against the remaining budget and the abort signal. */
export function raceBudget<T>(promise: Promise<T>, ms: number, signal: AbortSignal | undefined, onTimeout: () => ProbeFailure): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(onTimeout());
    };
    const timer = setTimeout(onAbort, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    if (signal?.aborted) onAbort();
    promise.then(
      (value) => {
        done();
        resolve(value);
      },
      (error) => {
        done();
        reject(error);
      },
    );
  });
}
