import { Clock, dialPort, openTcp, ProbeFailure, resolveHost } from "./common.js";
import { connectThroughProxy, type Tunnel } from "./proxy.js";
import { connectTries, destinationTiming, RttEstimator } from "./timing.js";
import type { ProbeContext } from "./types.js";

/**
 * A connected TCP socket to `host:port` for the tcp, tls and http probers: directly (lookup → lab port
 * map → `ctx.connect`) or through `ctx.proxy`. Failures are `ProbeFailure`s whose detail keeps the
 * phases measured so far.
 */
export async function reach(ctx: ProbeContext, clock: Clock, host: string, port: number): Promise<Tunnel> {
  const dialled = dialPort(ctx, host, port);
  if (ctx.proxy) {
    const tunnel = await connectThroughProxy(ctx, clock, host, dialled.port);
    return { ...tunnel, detail: { ...tunnel.detail, ...dialled.detail } };
  }
  const resolved = await resolveHost(host, ctx, clock);
  const dns = resolved.dnsMs === undefined ? {} : { dnsMs: resolved.dnsMs };
  try {
    const { socket, connectMs, tries } = await connectWithHistory(ctx, resolved.address, dialled.port, clock.remaining());
    return { socket, connectMs, ...dns, remoteAddress: resolved.address, detail: { ...dialled.detail, ...(tries > 1 ? { connectTries: tries } : {}) } };
  } catch (error) {
    if (error instanceof ProbeFailure) throw new ProbeFailure(error.outcome, { ...dialled.detail, ...dns, remoteAddress: resolved.address, ...error.detail });
    throw error;
  }
}

/**
 * Connects within the tries the destination's history allows (timing.ts: the whole budget when nothing is
 * known, one short try while it stays silent, a retransmission after srtt + 4·rttvar when it answers), and
 * feeds every answer (SYN/ACK or RST) and timeout back into that history; `ctx.connectHistory: false` skips both.
 */
async function connectWithHistory(ctx: ProbeContext, address: string, port: number, budgetMs: number): Promise<{ socket: Awaited<ReturnType<typeof openTcp>>["socket"]; connectMs: number; tries: number }> {
  // History off: a fixed timeout, and a throwaway estimator so nothing is learnt.
  const history = ctx.connectHistory !== false;
  const timing = history ? destinationTiming(address) : new RttEstimator();
  const tries = history ? connectTries(address, budgetMs) : [budgetMs];
  for (let i = 0; ; i++) {
    try {
      const opened = await openTcp(ctx, address, port, tries[i]!);
      timing.observe(opened.connectMs);
      return { ...opened, tries: i + 1 };
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      const connectMs = error.detail.connectMs;
      if (error.outcome === "tcp_refused" && typeof connectMs === "number") timing.observe(connectMs);
      const timedOut = error.outcome === "tcp_timeout" && error.detail.aborted !== true;
      if (timedOut) timing.timedOut();
      if (!timedOut || i + 1 >= tries.length) throw new ProbeFailure(error.outcome, { ...error.detail, ...(i > 0 ? { connectTries: i + 1 } : {}), ...(timedOut ? { connectTimeoutMs: tries[i] } : {}) });
    }
  }
}
