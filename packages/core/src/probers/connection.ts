import { Clock, dialPort, openTcp, ProbeFailure, resolveHost } from "./common.js";
import { connectThroughProxy, type Tunnel } from "./proxy.js";
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
    const { socket, connectMs } = await openTcp(ctx, resolved.address, dialled.port, clock.remaining());
    return { socket, connectMs, ...dns, remoteAddress: resolved.address, detail: dialled.detail };
  } catch (error) {
    if (error instanceof ProbeFailure) throw new ProbeFailure(error.outcome, { ...dialled.detail, ...dns, remoteAddress: resolved.address, ...error.detail });
    throw error;
  }
}
