import type { HttpTarget } from "../target/index.js";
import { Clock, failureResult, makeResult, ProbeFailure } from "./common.js";
import { connectTo, destination, reach, type Destination } from "./connection.js";
import { exchangeWithin, type Exchanged } from "./exchange.js";
import { secureAndGet } from "./handshake.js";
import { tlsAskFor, tlsPool, type Shaken, type TlsAsk } from "./tls-pool.js";
import type { ProbeContext, Prober } from "./types.js";

/**
 * HTTP(S) GET with phase timings (dns, connect, tls, first byte) and the accepted status range. An https probe's
 * connect, handshake and GET run in a TLS worker thread (tls-pool.ts) like a tls probe's, unless proxied.
 */
export const probeHttp: Prober = async (target, ctx) => {
  if (target.kind !== "http") throw new TypeError(`probeHttp got a ${target.kind} target`);
  const clock = new Clock(ctx);
  let carried: Record<string, unknown> = {};
  const carry = (tunnel: Shaken["tunnel"]) =>
    (carried = { ...tunnel.detail, dnsMs: tunnel.dnsMs, connectMs: tunnel.connectMs, remoteAddress: tunnel.remoteAddress });
  try {
    const { tunnel, shook, exchanged } = target.scheme === "https" ? await secure(target, ctx, clock, carry) : await plain(target, ctx, clock);
    carry(tunnel);
    if (shook) carried = { ...carried, tlsMs: shook.tlsMs, tls: shook.detail, ...(shook.detail.daysLeft === undefined ? {} : { daysLeft: shook.detail.daysLeft }) };
    // No GET after a handshake whose outcome does not let it be made (secureAndGet): that outcome is the result.
    if (!exchanged) throw new ProbeFailure(shook!.outcome);
    if ("failure" in exchanged) throw new ProbeFailure(exchanged.failure.outcome, exchanged.failure.detail);
    const { answer } = exchanged;
    // An expiring certificate still serves: the request is made, and a bad status wins over the expiry.
    const expiring = shook?.outcome === "tls_cert_expiring";
    const inRange = answer.status >= target.status.min && answer.status <= target.status.max;
    return [makeResult(target, ctx, clock, {
      outcome: !inRange ? "http_status" : expiring ? "tls_cert_expiring" : "ok",
      phases: pick(carried, ["dnsMs", "connectMs", "tlsMs"], { firstByteMs: answer.firstByteMs }),
      remoteAddress: tunnel.remoteAddress,
      detail: {
        ...omit(carried, ["dnsMs", "connectMs", "tlsMs", "remoteAddress"]),
        status: answer.status,
        ...(inRange ? {} : { expectedStatus: `${target.status.min}-${target.status.max}` }),
        ...answer.detail,
      },
    })];
  } catch (error) {
    // A timeout after the connect means the server was reached but did not answer in time.
    const reached = error instanceof ProbeFailure && error.outcome === "http_timeout";
    return [failureResult(error, target, ctx, clock, { detail: carried, ...(reached ? { reached: true } : {}) })];
  }
};

/** What a probe got to: the connection, the handshake (https) and the GET's end (absent after a bad handshake). */
interface Reached {
  tunnel: Shaken["tunnel"];
  shook?: Shaken["shook"];
  exchanged?: Exchanged;
}

async function plain(target: HttpTarget, ctx: ProbeContext, clock: Clock): Promise<Reached> {
  const tunnel = await reach(ctx, clock, target.host, target.port);
  return { tunnel, exchanged: await exchangeWithin(tunnel.socket, target, clock.remaining(), ctx.signal) };
}

/** https: in a TLS worker when the pool takes it (a checked address, node's connect), else in this thread. */
async function secure(target: HttpTarget, ctx: ProbeContext, clock: Clock, carry: (tunnel: Reached["tunnel"]) => void): Promise<Reached> {
  const ask: TlsAsk = { ...(await tlsAskFor(target, ctx)), alpn: ["http/1.1"] };
  const to = ctx.proxy ? undefined : await destination(ctx, clock, target.host, target.port);
  const here = () => secureHere(target, ctx, clock, to, ask, carry);
  return to ? tlsPool.probe(ctx, clock, to, ask, here, target) : here();
}

async function secureHere(target: HttpTarget, ctx: ProbeContext, clock: Clock, to: Destination | undefined, ask: TlsAsk, carry: (tunnel: Reached["tunnel"]) => void): Promise<Shaken> {
  const tunnel = to ? await connectTo(ctx, clock, to) : await reach(ctx, clock, target.host, target.port);
  carry(tunnel);
  return { tunnel, ...(await secureAndGet(tunnel.socket, ask, () => clock.remaining(), ctx.signal, target)) };
}

function pick(source: Record<string, unknown>, keys: string[], extra: Record<string, number>): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const key of keys) if (typeof source[key] === "number") picked[key] = source[key] as number;
  return { ...picked, ...extra };
}

function omit(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key, value]) => !keys.includes(key) && value !== undefined));
}
