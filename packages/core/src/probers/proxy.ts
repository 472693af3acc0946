import type { Socket } from "node:net";
import { hostPort } from "../target/index.js";
import { Clock, lap, openTcp, ProbeFailure, raceBudget, resolveHost } from "./common.js";
import type { ProbeContext } from "./types.js";

const MAX_RESPONSE_HEAD = 16 * 1024;

/** Where a connection ended up: directly at the target or at the proxy that tunnels to it. */
export interface Tunnel {
  socket: Socket;
  /** TCP connect time, plus the CONNECT exchange when proxied. */
  connectMs: number;
  /** Time spent resolving the proxy's name (the target's name is the proxy's business). */
  dnsMs?: number;
  remoteAddress: string;
  detail: Record<string, unknown>;
}

/** Parses `ctx.proxy` ("http://host:port"); a malformed value is the caller's configuration error. */
export function parseProxy(proxy: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    throw new ProbeFailure("invalid_target", { error: `proxy ${JSON.stringify(proxy)} is not a URL` });
  }
  if (url.protocol !== "http:") throw new ProbeFailure("invalid_target", { error: `proxy must be http://host:port, not ${url.protocol}` });
  return { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: url.port ? Number(url.port) : 80 };
}

/**
 * Opens a tunnel to `host:port` through the HTTP forward proxy in `ctx.proxy` (HTTP CONNECT). The proxy
 * resolves the target's name; any non-2xx answer (403, 407, …) is `proxy_denied` with its status.
 */
export async function connectThroughProxy(ctx: ProbeContext, clock: Clock, host: string, port: number): Promise<Tunnel> {
  const proxy = parseProxy(ctx.proxy ?? "");
  const resolved = await resolveHost(proxy.host, ctx, clock);
  const via = { proxy: hostPort(resolved.address, proxy.port) };
  let opened: Awaited<ReturnType<typeof openTcp>>;
  try {
    opened = await openTcp(ctx, resolved.address, proxy.port, clock.remaining());
  } catch (error) {
    if (error instanceof ProbeFailure) throw new ProbeFailure(error.outcome, { ...error.detail, ...via, stage: "proxy connect" });
    throw error;
  }
  const { socket } = opened;
  const stop = lap();
  const authority = hostPort(host, port);
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nUser-Agent: probemesh\r\n\r\n`);
  try {
    const head = await raceBudget(readResponseHead(socket), clock.remaining(), ctx.signal, () => new ProbeFailure("tcp_timeout", { ...via, stage: "proxy CONNECT" }));
    const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(head.statusLine);
    if (!status) throw new ProbeFailure("proxy_denied", { ...via, error: `not an HTTP answer: ${head.statusLine.slice(0, 80)}` });
    const proxyStatus = Number(status[1]);
    if (proxyStatus < 200 || proxyStatus > 299) {
      throw new ProbeFailure("proxy_denied", { ...via, proxyStatus, proxyStatusText: status[2] ?? "" });
    }
    if (head.rest.length > 0) socket.unshift(head.rest);
    return {
      socket,
      connectMs: opened.connectMs + stop(),
      ...(resolved.dnsMs === undefined ? {} : { dnsMs: resolved.dnsMs }),
      remoteAddress: resolved.address,
      detail: { ...via, proxyStatus },
    };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

/** Reads up to the blank line that ends an HTTP response head; bytes after it belong to the tunnel. */
function readResponseHead(socket: Socket): Promise<{ statusLine: string; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const cleanup = () => {
      socket.off("data", onData);
      socket.off("error", onEnd);
      socket.off("close", onEnd);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf("\r\n\r\n");
      if (end !== -1) {
        cleanup();
        socket.pause();
        const head = buffered.subarray(0, end).toString("latin1");
        resolve({ statusLine: head.split("\r\n")[0] ?? "", rest: buffered.subarray(end + 4) });
      } else if (buffered.length > MAX_RESPONSE_HEAD) {
        cleanup();
        reject(new ProbeFailure("proxy_denied", { error: "proxy answer head too long" }));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new ProbeFailure("proxy_denied", { error: "proxy closed the connection before answering CONNECT" }));
    };
    socket.on("data", onData);
    socket.once("error", onEnd);
    socket.once("close", onEnd);
  });
}
