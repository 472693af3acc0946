/**
 * One HTTP GET over a connected (plain or TLS) socket: the status, the first byte's time and what the response
 * says of itself. The http prober uses it in its thread; the TLS worker pool after an https handshake.
 */
import * as http from "node:http";
import type { Socket } from "node:net";
import type { HttpTarget } from "../target/index.js";
import { bracketHost, hostPort } from "../target/index.js";
import type { Outcome } from "../result/index.js";
import { lap, ProbeFailure, raceBudget } from "./common.js";

/** Body bytes read before the probe stops listening: enough to time a health page, not a download. */
const MAX_BODY_BYTES = 1024 * 1024;

/** What the server answered. */
export interface Answer {
  status: number;
  firstByteMs: number;
  detail: Record<string, unknown>;
}

/** One GET over the connected socket; resolves once the body ended (or its cap was hit). */
export function exchange(socket: Socket, target: HttpTarget): Promise<Answer> {
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

/** The GET's end: the answer, or why there is none. Plain data, so a worker thread can hand it back. */
export type Exchanged = { answer: Answer } | { failure: { outcome: Outcome; detail: Record<string, unknown> } };

/** Whether a handshake with this outcome is followed by the request: an expiring certificate still serves. */
export function canRequest(handshakeOutcome: Outcome): boolean {
  return handshakeOutcome === "ok" || handshakeOutcome === "tls_cert_expiring";
}

/** `exchange` within `ms`; a timeout means the server took the connection and did not answer in time. */
export async function exchangeWithin(socket: Socket, target: HttpTarget, ms: number, signal: AbortSignal | undefined): Promise<Exchanged> {
  try {
    const answer = await raceBudget(exchange(socket, target), ms, signal, () => {
      socket.destroy();
      return new ProbeFailure("http_timeout", { stage: "waiting for the response" });
    });
    return { answer };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { failure: { outcome: error.outcome, detail: error.detail } };
  }
}
