import type { Socket } from "node:net";
import type { ProbeResult } from "../result/index.js";
import type { TcpTarget } from "../target/index.js";
import { Clock, dialPort, failureResult, isSelfConnect, makeResult, ProbeFailure, resolveAddresses } from "./common.js";
import { reach } from "./connection.js";
import { dialerFor, type Dial } from "./dialer.js";
import { connectThroughProxy } from "./proxy.js";
import { scanPorts, type PortScanReport } from "./scan.js";
import { destinationTiming, RttEstimator } from "./timing.js";
import type { ProbeContext, Prober } from "./types.js";

/** Ceiling of a range scan's congestion window unless `ctx.rangeConcurrency` says otherwise. */
export const DEFAULT_RANGE_CONCURRENCY = 300;

/** TCP connect: one result, or for a port range one result per open port plus a summary. */
export const probeTcp: Prober = async (target, ctx) => {
  if (target.kind !== "tcp") throw new TypeError(`probeTcp got a ${target.kind} target`);
  return target.portEnd === undefined ? [await connectOnce(target, ctx)] : scanRange(target, target.portEnd, ctx);
};

async function connectOnce(target: TcpTarget, ctx: ProbeContext): Promise<ProbeResult> {
  const clock = new Clock(ctx);
  let tunnel: Awaited<ReturnType<typeof reach>>;
  try {
    tunnel = await reach(ctx, clock, target.host, target.port);
  } catch (error) {
    return failureResult(error, target, ctx, clock);
  }
  const { socket } = tunnel;
  const phases = { ...(tunnel.dnsMs === undefined ? {} : { dnsMs: tunnel.dnsMs }), connectMs: tunnel.connectMs };
  const selfConnect = !ctx.proxy && isSelfConnect(socket);
  const local = { localAddress: socket.localAddress, localPort: socket.localPort };
  closeProbeSocket(socket, selfConnect);
  if (selfConnect) {
    return makeResult(target, ctx, clock, { outcome: "tcp_refused", phases, remoteAddress: tunnel.remoteAddress, detail: { ...tunnel.detail, ...local, selfConnect: true } });
  }
  return makeResult(target, ctx, clock, { outcome: "ok", phases, remoteAddress: tunnel.remoteAddress, detail: { ...tunnel.detail, ...local } });
}

/**
 * Scans `target.port`..`portEnd` with nmap's connect-scan timing (scan.ts): per-try timeouts from the RTTs of
 * the answers, retransmission of unanswered SYNs, a congestion window of at most `ctx.rangeConcurrency`
 * connects. Closed = refused (or a self-connect), filtered = no answer after the last try, or unreachable;
 * a range the guard refused in full is `invalid_target`, as a single refused port is.
 * The summary passes when at least one port is open and every other one is closed: a vendor range is a
 * firewall opening, and on a real host only the ports in use listen (one Elasticsearch node of 9300-9400,
 * the SSH sessions of 64535-65535) while the rest answer with a reset. A filtered port (the packet was
 * dropped or unroutable) or no open port at all fails it; `blocked` passes when no port is open.
 * A name is scanned at its first address (`detail.addresses` of a range lists the others as not scanned).
 */
async function scanRange(target: TcpTarget, portEnd: number, ctx: ProbeContext): Promise<ProbeResult[]> {
  const clock = new Clock(ctx);
  let resolved: { address: string; family: 4 | 6; dnsMs?: number; others: string[] } = { address: target.host, family: 4, others: [] };
  if (!ctx.proxy) {
    try {
      resolved = await resolveAll(target.host, ctx, clock);
    } catch (error) {
      return [failureResult(error, target, ctx, clock)];
    }
  }
  const ports = Array.from({ length: portEnd - target.port + 1 }, (_, i) => target.port + i);
  const labPorts = ctx.dial ? new Map(ports.map((port) => [port, dialPort(ctx, target.host, port)])) : undefined;
  const maxParallel = Math.max(1, Math.min(ctx.rangeConcurrency ?? DEFAULT_RANGE_CONCURRENCY, ports.length));
  const dial = ctx.proxy ? proxyDial(ctx, clock, target.host) : dialerFor(ctx);
  const scanned = await scanPorts({
    address: resolved.address,
    family: resolved.family,
    ports,
    dial: labPorts ? (address, family, port, done) => dial(address, family, labPorts.get(port)!.port, done) : dial,
    estimator: ctx.proxy ? new RttEstimator() : destinationTiming(resolved.address),
    budgetMs: ctx.timeoutMs,
    maxParallel,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  const remoteAddress = ctx.proxy ? undefined : resolved.address;
  const open = scanned.open.map(({ port, connectMs }) => makeResult({ kind: "tcp", host: target.host, port, ...(target.expect ? { expect: target.expect } : {}) }, ctx, clock, {
    outcome: "ok",
    checkId: `${ctx.checkId}-${port}`,
    phases: { connectMs },
    ...(remoteAddress ? { remoteAddress } : {}),
    detail: labPorts?.get(port)!.detail ?? {},
  }));
  return [...open, rangeSummary(target, portEnd, ctx, clock, { ...scanned, concurrency: maxParallel }, resolved, remoteAddress)];
}

function rangeSummary(target: TcpTarget, portEnd: number, ctx: ProbeContext, clock: Clock, scanned: PortScanReport & { concurrency: number }, resolved: { dnsMs?: number; others: string[] }, remoteAddress: string | undefined): ProbeResult {
  const total = portEnd - target.port + 1;
  const openCount = scanned.open.length;
  const outcome = scanned.refused === total ? "invalid_target"
    : scanned.filtered > 0 ? (scanned.timeouts > 0 ? "tcp_timeout" : "host_unreachable")
    : openCount > 0 && scanned.refused === 0 ? "ok"
    : "tcp_refused";
  const { srttMs, rttvarMs } = remoteAddress ? destinationTiming(remoteAddress).describe() : {};
  return makeResult(target, ctx, clock, {
    outcome,
    reached: openCount > 0,
    phases: resolved.dnsMs === undefined ? {} : { dnsMs: resolved.dnsMs },
    ...(remoteAddress ? { remoteAddress } : {}),
    detail: {
      range: `${target.port}-${portEnd}`,
      ports: total,
      open: openCount,
      closed: scanned.closed,
      filtered: scanned.filtered,
      refused: scanned.refused,
      openPorts: scanned.open.map((entry) => entry.port),
      ...(scanned.notScanned ? { notScanned: scanned.notScanned } : {}),
      ...(scanned.selfConnects ? { selfConnects: scanned.selfConnects } : {}),
      errors: scanned.errors,
      concurrency: scanned.concurrency,
      timing: { ...scanned.stats, ...(srttMs === undefined ? {} : { srttMs, rttvarMs }) },
      ...(resolved.others.length ? { addresses: [{ address: remoteAddress, scanned: true }, ...resolved.others.map((address) => ({ address, scanned: false }))] } : {}),
    },
  });
}

/** Every address of `host` (the first is scanned); IP literals skip the lookup. */
async function resolveAll(host: string, ctx: ProbeContext, clock: Clock): Promise<{ address: string; family: 4 | 6; dnsMs?: number; others: string[] }> {
  const answers = await resolveAddresses(host, ctx, clock);
  const [first, ...rest] = answers.addresses;
  return { address: first!.address, family: first!.family, ...(answers.dnsMs === undefined ? {} : { dnsMs: answers.dnsMs }), others: rest.map((a) => a.address) };
}

/** Ports through `ctx.proxy`: CONNECT accepted = open, the proxy's refusal of a closed port = closed. */
function proxyDial(ctx: ProbeContext, clock: Clock, host: string): Dial {
  return (_address, _family, port, done) => {
    let cancelled = false;
    connectThroughProxy(ctx, clock, host, port).then(
      (tunnel) => {
        tunnel.socket.destroy();
        if (!cancelled) done({ kind: "open", selfConnect: false });
      },
      (error) => {
        if (cancelled) return;
        if (!(error instanceof ProbeFailure)) throw error;
        if (error.outcome === "tcp_refused") done({ kind: "closed" });
        else if (error.outcome === "invalid_target") done({ kind: "refused", errno: "invalid_target" });
        else done({ kind: "error", errno: typeof error.detail.errno === "string" ? error.detail.errno : error.outcome, local: false });
      },
    );
    return () => (cancelled = true);
  };
}

/** A self-connect is reset rather than closed: a TIME_WAIT on it would block that port for the next probe. */
function closeProbeSocket(socket: Socket, selfConnect: boolean): void {
  if (selfConnect) socket.resetAndDestroy();
  else socket.destroy();
}
