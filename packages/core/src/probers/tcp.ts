import { setMaxListeners } from "node:events";
import type { Socket } from "node:net";
import type { ProbeResult } from "../result/index.js";
import type { TcpTarget } from "../target/index.js";
import { Clock, dialPort, failureResult, isSelfConnect, makeResult, openTcp, ProbeFailure, resolveHost } from "./common.js";
import { reach } from "./connection.js";
import { connectThroughProxy } from "./proxy.js";
import type { ProbeContext, Prober } from "./types.js";

/** Concurrent connects of a range scan unless `ctx.rangeConcurrency` says otherwise. */
export const DEFAULT_RANGE_CONCURRENCY = 200;

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

/** `refused`: the port was never dialled, because `ctx.connect` declared it `invalid_target` (the SSRF guard). */
type PortState = "open" | "closed" | "filtered" | "refused";

/**
 * Scans `target.port`..`portEnd` with at most `ctx.rangeConcurrency` connects in flight, each within
 * `ctx.timeoutMs`. Closed = refused (or a self-connect), filtered = timeout or unreachable; a range the
 * guard refused in full is `invalid_target`, as a single refused port is.
 * The summary passes when at least one port is open and every other one is closed: a vendor range is a
 * firewall opening, and on a real host only the ports in use listen (one Elasticsearch node of 9300-9400,
 * the SSH sessions of 64535-65535) while the rest answer with a reset. A filtered port (the packet was
 * dropped or unroutable) or no open port at all fails it; `blocked` passes when no port is open.
 */
async function scanRange(target: TcpTarget, portEnd: number, ctx: ProbeContext): Promise<ProbeResult[]> {
  const clock = new Clock(ctx);
  let address: string | undefined;
  let dnsMs: number | undefined;
  if (!ctx.proxy) {
    try {
      ({ address, dnsMs } = await resolveHost(target.host, ctx, clock));
    } catch (error) {
      return [failureResult(error, target, ctx, clock)];
    }
  }
  const open: { port: number; result: ProbeResult }[] = [];
  const counts: Record<PortState, number> = { open: 0, closed: 0, filtered: 0, refused: 0 };
  const errnos: Record<string, number> = {};
  let selfConnects = 0;
  let timeouts = 0;

  const probePort = async (port: number): Promise<void> => {
    const portTarget: TcpTarget = { kind: "tcp", host: target.host, port, ...(target.expect ? { expect: target.expect } : {}) };
    const portClock = new Clock(ctx);
    const dialled = dialPort(ctx, target.host, port);
    try {
      const opened = address === undefined
        ? await connectThroughProxy(ctx, portClock, target.host, dialled.port)
        : { ...(await openTcp(ctx, address, dialled.port, ctx.timeoutMs)), remoteAddress: address };
      const self = address !== undefined && isSelfConnect(opened.socket);
      closeProbeSocket(opened.socket, self);
      if (self) {
        selfConnects += 1;
        counts.closed += 1;
        return;
      }
      counts.open += 1;
      open.push({ port, result: makeResult(portTarget, ctx, portClock, {
        outcome: "ok",
        checkId: `${ctx.checkId}-${port}`,
        phases: { connectMs: opened.connectMs },
        remoteAddress: opened.remoteAddress,
        detail: dialled.detail,
      }) });
    } catch (error) {
      if (!(error instanceof ProbeFailure)) throw error;
      if (error.outcome === "tcp_refused") counts.closed += 1;
      else if (error.outcome === "invalid_target") counts.refused += 1;
      else counts.filtered += 1;
      if (error.outcome === "tcp_timeout") timeouts += 1;
      const errno = typeof error.detail.errno === "string" ? error.detail.errno : error.outcome;
      errnos[errno] = (errnos[errno] ?? 0) + 1;
    }
  };

  const ports = Array.from({ length: portEnd - target.port + 1 }, (_, i) => target.port + i);
  const workers = Math.max(1, Math.min(ctx.rangeConcurrency ?? DEFAULT_RANGE_CONCURRENCY, ports.length));
  // Each in-flight connect listens on the abort signal: `workers` listeners are expected, not a leak.
  if (ctx.signal) setMaxListeners(0, ctx.signal);
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < ports.length && !ctx.signal?.aborted) await probePort(ports[next++]!);
  }));

  open.sort((a, b) => a.port - b.port);
  const openPorts = open.map((entry) => entry.port);
  const total = ports.length;
  const scanned = counts.open + counts.closed + counts.filtered + counts.refused;
  const outcome = counts.refused === total ? "invalid_target"
    : counts.filtered > 0 ? (timeouts > 0 ? "tcp_timeout" : "host_unreachable")
    : counts.open > 0 && counts.refused === 0 ? "ok"
    : "tcp_refused";
  const summary = makeResult(target, ctx, clock, {
    outcome,
    reached: counts.open > 0,
    phases: dnsMs === undefined ? {} : { dnsMs },
    ...(address ? { remoteAddress: address } : {}),
    detail: {
      range: `${target.port}-${portEnd}`,
      ports: total,
      ...counts,
      openPorts,
      ...(scanned < total ? { notScanned: total - scanned } : {}),
      ...(selfConnects ? { selfConnects } : {}),
      errors: errnos,
      concurrency: workers,
    },
  });
  return [...open.map((entry) => entry.result), summary];
}

/** A self-connect is reset rather than closed: a TIME_WAIT on it would block that port for the next probe. */
function closeProbeSocket(socket: Socket, selfConnect: boolean): void {
  if (selfConnect) socket.resetAndDestroy();
  else socket.destroy();
}
