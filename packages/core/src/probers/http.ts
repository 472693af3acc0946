import * as http from "node:http";
import type { Socket } from "node:net";
import type { HttpTarget } from "../target/index.js";
import { bracketHost, hostPort } from "../target/index.js";
import { Clock, failureResult, lap, makeResult, ProbeFailure, raceBudget } from "./common.js";
import { reach } from "./connection.js";
import { closeTls, DEFAULT_CERT_MIN_DAYS, handshake, trustedCas } from "./handshake.js";
import type { ProbeContext, Prober } from "./types.js";

/** Body bytes read before the probe stops listening: enough to time a health page, not a download. */
const MAX_BODY_BYTES = 1024 * 1024;

/** HTTP(S) GET with phase timings (dns, connect, tls, first byte) and the accepted status range. */
export const probeHttp: Prober = async (target, ctx) => {
  if (target.kind !== "http") throw new TypeError(`probeHttp got a ${target.kind} target`);
  const clock = new Clock(ctx);
  let carried: Record<string, unknown> = {};
  let expiring = false;
  try {
    const ca = target.scheme === "https" ? await trustedCas(ctx, target.caFile) : undefined;
    const tunnel = await reach(ctx, clock, target.host, target.port);
    carried = { ...tunnel.detail, dnsMs: tunnel.dnsMs, connectMs: tunnel.connectMs, remoteAddress: tunnel.remoteAddress };
    let socket: Socket = tunnel.socket;
    if (target.scheme === "https") {
      const shook = await handshake(tunnel.socket, {
        name: target.host,
        ...(target.servername ? { servername: target.servername } : {}),
        ca,
        ...(target.groups ? { groups: target.groups } : {}),
        timeoutMs: clock.remaining(),
        alpn: ["http/1.1"],
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        certMinDays: target.certMinDays ?? ctx.certMinDays ?? DEFAULT_CERT_MIN_DAYS,
      });
      carried = { ...carried, tlsMs: shook.tlsMs, tls: shook.detail, ...(shook.detail.daysLeft === undefined ? {} : { daysLeft: shook.detail.daysLeft }) };
      // An expiring certificate still serves: the request is made, and a bad status wins over the expiry.
      expiring = shook.outcome === "tls_cert_expiring";
      if (shook.outcome !== "ok" && !expiring) {
        closeTls(shook.socket);
        throw new ProbeFailure(shook.outcome);
      }
      socket = shook.socket;
    }
    const answer = await raceBudget(exchange(socket, target), clock.remaining(), ctx.signal, () => {
      socket.destroy();
      return new ProbeFailure("http_timeout", { stage: "waiting for the response" });
    });
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

interface Answer {
  status: number;
  firstByteMs: number;
  detail: Record<string, unknown>;
}

/** One GET over the connected socket; resolves once the body ended (or its cap was hit). */
function exchange(socket: Socket, target: HttpTarget): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sinceRequest = lap();
    let firstByteMs: number | undefined;
    socket.once("data", () => {
      firstByteMs = sinceRequest();
    });
    const defaultPort = target.scheme === "https" ? 443 : 80;
    const request = http.request({
      createConnection: () => socket,
      method: "GET",
      path: target.path,
      headers: {
        host: target.port === defaultPort ? bracketHost(target.host) : hostPort(target.host, target.port),
        "user-agent": "probemesh",
        accept: "*/*",
        connection: "close",
      },
    });
    // The server took the connection but gave no parsable answer (reset, garbage): reached, wrong answer.
    request.once("error", (error: Error & { code?: string }) =>
      reject(new ProbeFailure("http_status", { status: null, ...(error.code ? { errno: error.code } : {}), error: error.message })),
    );
    // A tunnel socket comes paused from the proxy handshake; the parser is attached by now.
    request.once("socket", (attached: Socket) => attached.resume());
    request.once("response", (response) => {
      const answeredMs = firstByteMs ?? sinceRequest();
      let bytes = 0;
      const done = (truncated: boolean) => {
        socket.destroy();
        resolve({
          status: response.statusCode ?? 0,
          firstByteMs: answeredMs,
          detail: {
            statusText: response.statusMessage,
            httpVersion: response.httpVersion,
            bytes,
            ...(truncated ? { truncated: true } : {}),
            ...(response.headers.location ? { location: response.headers.location } : {}),
            ...(response.headers.server ? { server: response.headers.server } : {}),
          },
        });
      };
      response.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes >= MAX_BODY_BYTES) done(true);
      });
      response.once("end", () => done(false));
      response.once("error", () => done(true));
    });
    request.end();
  });
}

function pick(source: Record<string, unknown>, keys: string[], extra: Record<string, number>): Record<string, number> {
  const picked: Record<string, number> = {};
  for (const key of keys) if (typeof source[key] === "number") picked[key] = source[key] as number;
  return { ...picked, ...extra };
}

function omit(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).filter(([key, value]) => !keys.includes(key) && value !== undefined));
}
