import { createHash } from "node:crypto";
import type { Store } from "../store/types.js";
import type { Target } from "../target/index.js";

/**
 * Abuse limits for on-demand probes: fixed-window rate limits per requester (Slack user,
 * Slack team, API token) counted in the store, and caps on the size of one request.
 */

/** Who is asking. Ids are hashed before they become store keys (API tokens are secrets). */
export type Subject = "slack-user" | "slack-team" | "api-token";

/** At most `limit` requests per `windowSeconds` for each distinct id of `subject`. */
export interface RateLimitRule {
  subject: Subject;
  limit: number;
  windowSeconds: number;
}

/**
 * Defaults: a person can ask 10 times a minute and 60 times an hour; a whole Slack workspace
 * 60 times a minute; an API token 30 times a minute. Each request fans out to every region,
 * so these bound the probes one caller causes to a few hundred a minute.
 */
export const DEFAULT_RATE_LIMITS: readonly RateLimitRule[] = [
  { subject: "slack-user", limit: 10, windowSeconds: 60 },
  { subject: "slack-user", limit: 60, windowSeconds: 3600 },
  { subject: "slack-team", limit: 60, windowSeconds: 60 },
  { subject: "api-token", limit: 30, windowSeconds: 60 },
];

/** A rate limit was exceeded; `retryAfterSeconds` is when the window that refused ends. */
export class RateLimitedError extends Error {
  override name = "RateLimitedError";
  constructor(
    readonly rule: RateLimitRule,
    readonly retryAfterSeconds: number,
  ) {
    super(`rate limit: at most ${rule.limit} requests per ${describeWindow(rule.windowSeconds)} per ${rule.subject}; retry in ${retryAfterSeconds} s`);
  }
}

export interface RateLimiter {
  /** Count one request for each given subject; throws RateLimitedError when any rule is exceeded. */
  consume(subjects: Partial<Record<Subject, string>>): Promise<void>;
}

export interface RateLimiterOptions {
  rules?: readonly RateLimitRule[];
  /** Milliseconds since the epoch (tests pin it). */
  now?: () => number;
}

/** A rate limiter over the store's atomic fixed-window counter. */
export function createRateLimiter(counter: Pick<Store, "hit">, options: RateLimiterOptions = {}): RateLimiter {
  const rules = options.rules ?? DEFAULT_RATE_LIMITS;
  const now = options.now ?? Date.now;
  return {
    async consume(subjects) {
      const nowS = now() / 1000;
      const applicable = rules.filter((rule) => subjects[rule.subject] !== undefined);
      const counts = await Promise.all(
        applicable.map((rule) => {
          // The window number is part of the key, so windows are epoch-aligned here whatever the store does.
          const window = Math.floor(nowS / rule.windowSeconds);
          const key = `rl#${rule.subject}#${hashId(subjects[rule.subject]!)}#${rule.windowSeconds}#${window}`;
          return counter.hit(key, rule.windowSeconds);
        }),
      );
      let refused: RateLimitedError | undefined;
      applicable.forEach((rule, i) => {
        if (counts[i]! <= rule.limit) return;
        const retryAfter = Math.max(1, Math.ceil((Math.floor(nowS / rule.windowSeconds) + 1) * rule.windowSeconds - nowS));
        if (!refused || retryAfter > refused.retryAfterSeconds) refused = new RateLimitedError(rule, retryAfter);
      });
      if (refused) throw refused;
    },
  };
}

function hashId(id: string): string {
  return createHash("sha256").update(id).digest("base64url").slice(0, 22);
}

function describeWindow(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? "hour" : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return seconds === 60 ? "minute" : `${seconds / 60} minutes`;
  return `${seconds} s`;
}

/** Size caps on one on-demand request. */
export interface RequestCaps {
  /** Targets (after expanding a product) in one request. */
  maxTargets: number;
  /** Ports in one port range (`tcp://host:a-b`). */
  maxPortsPerRange: number;
}

/** Defaults: 50 targets (the largest built-in product's egress list fits), 1024 ports per range. */
export const DEFAULT_CAPS: RequestCaps = { maxTargets: 50, maxPortsPerRange: 1024 };

/** A request is larger than the caps allow; maps to HTTP 413 / an ephemeral Slack reply. */
export class CapExceededError extends Error {
  override name = "CapExceededError";
  constructor(
    readonly code: "too_many_targets" | "port_range_too_large",
    message: string,
  ) {
    super(message);
  }
}

/** Throws CapExceededError when the request exceeds `caps`. */
export function enforceCaps(targets: readonly Target[], caps: RequestCaps = DEFAULT_CAPS): void {
  if (targets.length > caps.maxTargets) {
    throw new CapExceededError("too_many_targets", `${targets.length} targets in one request; at most ${caps.maxTargets}`);
  }
  for (const target of targets) {
    if (target.kind !== "tcp" || target.portEnd === undefined) continue;
    const ports = target.portEnd - target.port + 1;
    if (ports > caps.maxPortsPerRange) {
      throw new CapExceededError(
        "port_range_too_large",
        `port range ${target.port}-${target.portEnd} has ${ports} ports; at most ${caps.maxPortsPerRange} per range`,
      );
    }
  }
}
