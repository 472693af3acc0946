import type { Context } from "hono";
import { StoreInputError, isStoreUnavailable } from "@probemesh/core/store";
import { HTTPException } from "hono/http-exception";

/** HTTP statuses the API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 413 | 429 | 500 | 503;

/** A typed API error; `onError` turns it into `{ error: { code, message } }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class BadRequest extends ApiError {
  constructor(message: string, code = "bad_request") {
    super(400, code, message);
  }
}

export class Unauthorized extends ApiError {
  constructor(message: string) {
    super(401, "unauthorized", message, { "www-authenticate": 'Bearer realm="probemesh"' });
  }
}

export class Forbidden extends ApiError {
  constructor(message: string, code = "forbidden") {
    super(403, code, message);
  }
}

export class NotFound extends ApiError {
  constructor(message: string) {
    super(404, "not_found", message);
  }
}

export class PayloadTooLarge extends ApiError {
  constructor(limitBytes: number) {
    super(413, "payload_too_large", `request body is larger than ${limitBytes} bytes`);
  }
}

export class TooManyRequests extends ApiError {
  constructor(message: string, retryAfterS: number) {
    super(429, "rate_limited", message, { "retry-after": String(retryAfterS) });
  }
}

export class Unavailable extends ApiError {
  constructor(message: string) {
    super(503, "unavailable", message);
  }
}

const HTTP_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  429: "rate_limited",
  503: "unavailable",
};

/**
 * The one place errors become responses. Unknown errors are logged and answered with a
 * generic 500: no stack trace or internal message leaves the process.
 */
export function onError(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    return errorResponse(c, error.status, error.code, error.message, error.headers);
  }
  if (isStoreUnavailable(error)) {
    return errorResponse(c, 503, "store_unavailable", "the results store is unreachable right now; try again shortly", { "retry-after": "5" });
  }
  if (error instanceof StoreInputError) {
    return errorResponse(c, 400, "invalid_request", error.message);
  }
  if (error instanceof HTTPException) {
    const status = error.status;
    return errorResponse(c, status, HTTP_CODES[status] ?? "error", error.message || "request failed");
  }
  console.error("api: unhandled error", error);
  return errorResponse(c, 500, "internal", "internal error");
}

/** 404 for routes that do not exist, in the same JSON shape. */
export function notFoundRoute(c: Context): Response {
  return errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
}

function errorResponse(c: Context, status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}
