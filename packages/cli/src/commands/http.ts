import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/** Largest API answer the CLI reads (a status of many thousand checks fits easily). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** The API could not be reached or did not answer: `code` is the errno (ECONNREFUSED, ENOTFOUND…) or TIMEOUT. */
export class ConnectionError extends Error {
  override name = "ConnectionError";
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the common connection errors mean, for people. */
const EXPLAINED: Record<string, string> = {
  ECONNREFUSED: "connection refused: nothing listens there (is the API running?)",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved right now (DNS)",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the connection was closed while sending",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: self-signed certificate",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: self-signed certificate in the chain",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: certificate not trusted",
  CERT_HAS_EXPIRED: "TLS: certificate expired",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: certificate is not for this host name",
};

/** "ECONNREFUSED: connection refused: …" for any error of a request (happy-eyeballs AggregateErrors included). */
export function explainConnectionError(error: unknown): { code: string; text: string } {
  const code = errorCode(error) ?? "ERROR";
  const explained = EXPLAINED[code] ?? (error instanceof Error ? error.message : String(error));
  return { code, text: `${code}: ${explained}` };
}

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown } | undefined;
  if (typeof e?.code === "string") return e.code;
  if (Array.isArray(e?.errors)) for (const inner of e.errors) if (errorCode(inner)) return errorCode(inner);
  return e?.cause !== undefined ? errorCode(e.cause) : undefined;
}

/**
 * GET `url` with node's own HTTP client (fetch refuses ports such as 6000 with a bare TypeError):
 * resolves with the status and the parsed JSON body (undefined when not JSON), rejects with a ConnectionError.
 */
export function getJson(url: URL, timeoutMs: number): Promise<{ status: number; statusText: string; body: unknown }> {
  const request = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (error: unknown) => {
      const { code, text } = explainConnectionError(error);
      reject(new ConnectionError(code, text));
    };
    const req = request(url, { method: "GET", headers: { accept: "application/json" }, timeout: timeoutMs }, (res) => {
      readBody(res).then((text) => {
        let body: unknown;
        try {
          body = text === undefined ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? "", body });
      }, fail);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: "TIMEOUT" })));
    req.on("error", fail);
    req.end();
  });
}

function readBody(res: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.destroy();
        resolve(undefined);
      } else chunks.push(chunk);
    });
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}
