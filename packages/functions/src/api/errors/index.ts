import type { Context } from "hono";
import { StoreInputError, isStoreUnavailable } from "@probemesh/core/store";
import { HTTPException } from "hono/http-exception";

/** HTTP statuses the API answers errors with. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 503;

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

export class MethodNotAllowed extends ApiError {
  constructor(method: string, path: string, allowed: string[]) {
    super(405, "method_not_allowed", `${method} is not allowed on ${path} (allowed: ${allowed.join(", ")})`, { allow: allowed.join(", ") });
  }
}

export class UnsupportedMediaType extends ApiError {
  constructor(got: string | undefined, expected = "application/json") {
    super(415, "unsupported_media_type", `the request body must be ${expected} (Content-Type: ${expected}), got ${got ? `Content-Type: ${got}` : "no Content-Type"}`);
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
  415: "unsupported_media_type",
  431: "header_too_large",
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

/** A route as Hono lists it (`app.routes`). */
interface RouteEntry {
  method: string;
  path: string;
}

/**
 * The answer when no route handled a request, in the JSON error shape: 405 with `Allow` when the
 * path exists for other methods, else 404. `routes` is read per request (the app's own list).
 */
export function noRouteHandler(routes: () => readonly RouteEntry[]) {
  return (c: Context): Response => {
    const path = new URL(c.req.url).pathname;
    const allowed = allowedMethods(routes(), path);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      const error = new MethodNotAllowed(c.req.method, path, allowed);
      return errorResponse(c, error.status, error.code, error.message, error.headers);
    }
    return errorResponse(c, 404, "not_found", `no route for ${c.req.method} ${path}`);
  };
}

/** Methods with a handler (not middleware, which Hono lists as ALL) for `path`; GET brings HEAD. */
function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || !patternOf(route.path).test(path)) continue;
    methods.add(route.method);
    if (route.method === "GET") methods.add("HEAD");
  }
  return [...methods].sort();
}

function patternOf(routePath: string): RegExp {
  const segments = routePath.split("/").map((segment) => {
    if (segment === "*") return ".*";
    if (segment.startsWith(":")) return "[^/]+";
    return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  });
  return new RegExp(`^${segments.join("/")}/?$`);
}

function errorResponse(c: Context, status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers },
  });
}
