import type { Socket } from "node:net";
import { Clock, dialPort, openTcp, ProbeFailure, resolveHost } from "./common.js";
import { connectThroughProxy, type Tunnel } from "./proxy.js";
import { connectTries, destinationTiming } from "./timing.js";
import type { ProbeContext } from "./types.js";

/** Where a direct connection dials: the resolved address, the (lab-mapped) port, what DNS and the lab map said. */
export interface Destination {
  address: string;
  port: number;
  dns: { dnsMs?: number };
  /** The lab map's detail (labPort, labNote). */
  detail: Record<string, unknown>;
}

/**
 * A connected TCP socket to `host:port` for the tcp, tls and http probers: directly (lookup → lab port
 * map → `ctx.connect`) or through `ctx.proxy`. Failures are `ProbeFailure`s whose detail keeps the
 * phases measured so far.
 */
export async function reach(ctx: ProbeContext, clock: Clock, host: string, port: number): Promise<Tunnel> {
  if (ctx.proxy) {
    const dialled = dialPort(ctx, host, port);
    const tunnel = await connectThroughProxy(ctx, clock, host, dialled.port);
    return { ...tunnel, detail: { ...tunnel.detail, ...dialled.detail } };
  }
  return connectTo(ctx, clock, await destination(ctx, clock, host, port));
}

/** Resolves a direct connection's address and lab port (dns_* failures carry their phases). */
export async function destination(ctx: ProbeContext, clock: Clock, host: string, port: number): Promise<Destination> {
  const dialled = dialPort(ctx, host, port);
  const resolved = await resolveHost(host, ctx, clock);
  return { address: resolved.address, port: dialled.port, dns: resolved.dnsMs === undefined ? {} : { dnsMs: resolved.dnsMs }, detail: dialled.detail };
}

/** Connects to a resolved destination through `ctx.connect`, in this thread. */
export async function connectTo(ctx: ProbeContext, clock: Clock, to: Destination): Promise<Tunnel> {
  const plan = connectPlan(ctx, to.address, clock.remaining());
  try {
    const { socket, connectMs, tries } = await connectWithTries(ctx, to.address, to.port, plan.tries, plan.learn);
    return { socket, connectMs, ...to.dns, remoteAddress: to.address, detail: { ...to.detail, ...(tries > 1 ? { connectTries: tries } : {}) } };
  } catch (error) {
    throw connectFailure(error, to);
  }
}

/**
 * The tries of a connect to `address` within `budgetMs` and where its answers go: the destination's
 * history (timing.ts), or with `ctx.connectHistory: false` one try with the whole budget that teaches nothing.
 */
export function connectPlan(ctx: ProbeContext, address: string, budgetMs: number): { tries: number[]; learn: (ms: number | null) => void } {
  if (ctx.connectHistory === false) return { tries: [budgetMs], learn: () => {} };
  const timing = destinationTiming(address);
  return { tries: connectTries(address, budgetMs), learn: (ms) => (ms === null ? timing.timedOut() : timing.observe(ms)) };
}

/** A connect failure with the destination's phases and detail, as `reach` reports it. */
export function connectFailure(error: unknown, to: Destination): unknown {
  if (error instanceof ProbeFailure) return new ProbeFailure(error.outcome, { ...to.detail, ...to.dns, remoteAddress: to.address, ...error.detail });
  return error;
}

/**
 * Connects within `tries` (timing.ts's `connectTries`: the whole budget when nothing is known, one short try
 * while the destination stays silent, a retransmission after srtt + 4·rttvar when it answers), and tells
 * `learn` every answer (SYN/ACK or RST, its ms) and timeout (null), for the destination's history. A worker
 * thread runs this too (tls-pool.ts) and hands the events back to the history, which lives in the main thread.
 */
export async function connectWithTries(ctx: ProbeContext, address: string, port: number, tries: number[], learn: (ms: number | null) => void): Promise<{ socket: Socket; connectMs: number; tries: number }> {
  for (let i = 0; ; i++) {
    try {
      const opened = await openTcp(ctx, address, port, tries[i]!);
      learn(opened.connectMs);
      return { ...opened, tries: i + 1 };
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      const connectMs = error.detail.connectMs;
      if (error.outcome === "tcp_refused" && typeof connectMs === "number") learn(connectMs);
      const timedOut = error.outcome === "tcp_timeout" && error.detail.aborted !== true;
      if (timedOut) learn(null);
      if (!timedOut || i + 1 >= tries.length) throw new ProbeFailure(error.outcome, { ...error.detail, ...(i > 0 ? { connectTries: i + 1 } : {}), ...(timedOut ? { connectTimeoutMs: tries[i] } : {}) });
    }
  }
}
