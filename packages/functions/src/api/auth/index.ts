import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { Forbidden, Unauthorized } from "../errors/index.js";

/**
 * Bearer-token check for writes. With no token configured every write is refused (403);
 * a missing or unknown token is 401. The caller's identity is a hash prefix, never the token.
 */
export function requireToken(tokens: readonly string[]): MiddlewareHandler<{ Variables: { caller: string } }> {
  const digests = tokens.map(digest);
  return async (c, next) => {
    if (digests.length === 0) {
      throw new Forbidden("writes are disabled: no API token is configured (PROBEMESH_API_TOKENS)", "writes_disabled");
    }
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new Unauthorized("missing bearer token (Authorization: Bearer <token>)");
    const presented = digest(match[1]!);
    if (!digests.some((known) => timingSafeEqual(known, presented))) {
      throw new Unauthorized("unknown bearer token");
    }
    c.set("caller", `token:${presented.toString("hex").slice(0, 12)}`);
    await next();
  };
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
