import { Clock, failureResult, makeResult } from "./common.js";
import { connectTo, destination, reach, type Destination } from "./connection.js";
import { secureAndGet } from "./handshake.js";
import { tlsAskFor, tlsPool, type Shaken, type TlsAsk } from "./tls-pool.js";
import type { ProbeContext, Prober } from "./types.js";

/**
 * TLS handshake: protocol, cipher, certificate identity; expired / expiring / untrusted / name mismatch outcomes.
 * The connect and handshake run in a worker thread of tls-pool.ts when the pool is on and `ctx.connect`
 * allows it for the checked address; through a proxy, or a connect that cannot say (a test's), in this thread.
 */
export const probeTls: Prober = async (target, ctx) => {
  if (target.kind !== "tls") throw new TypeError(`probeTls got a ${target.kind} target`);
  const clock = new Clock(ctx);
  let carried: Record<string, unknown> = {};
  try {
    const ask = await tlsAskFor(target, ctx);
    const to = ctx.proxy ? undefined : await destination(ctx, clock, target.host, target.port);
    const here = () => shakeHere(ctx, clock, target, to, ask, (phases) => (carried = phases));
    const { tunnel, shook } = await (to ? tlsPool.probe(ctx, clock, to, ask, here) : here());
    return [makeResult(target, ctx, clock, {
      outcome: shook.outcome,
      phases: { ...(tunnel.dnsMs === undefined ? {} : { dnsMs: tunnel.dnsMs }), connectMs: tunnel.connectMs, tlsMs: shook.tlsMs },
      remoteAddress: tunnel.remoteAddress,
      detail: { ...tunnel.detail, ...shook.detail },
    })];
  } catch (error) {
    return [failureResult(error, target, ctx, clock, { detail: carried })];
  }
};

/** Connect (to `to`, or through the proxy) and handshake in this thread; `carry` gets the phases a handshake failure keeps. */
async function shakeHere(ctx: ProbeContext, clock: Clock, target: { host: string; port: number }, to: Destination | undefined, ask: TlsAsk, carry: (phases: Record<string, unknown>) => void): Promise<Shaken> {
  const tunnel = to ? await connectTo(ctx, clock, to) : await reach(ctx, clock, target.host, target.port);
  carry({ ...tunnel.detail, dnsMs: tunnel.dnsMs, connectMs: tunnel.connectMs, remoteAddress: tunnel.remoteAddress });
  return { tunnel, ...(await secureAndGet(tunnel.socket, ask, () => clock.remaining(), ctx.signal)) };
}
