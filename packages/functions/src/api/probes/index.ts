import { randomUUID } from "node:crypto";
import type { Check } from "@probemesh/core/check";
import { checkIdOf } from "@probemesh/core/check";
import { BlockedTargetError, checkTarget } from "@probemesh/core/guard";
import { CapExceededError, createRateLimiter, DEFAULT_RATE_LIMITS, enforceCaps, RateLimitedError } from "@probemesh/core/ratelimit";
import type { Target } from "@probemesh/core/target";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { requireToken } from "../auth/index.js";
import type { AppDeps } from "../deps.js";
import { ApiError, BadRequest, Forbidden, NotFound, PayloadTooLarge, TooManyRequests } from "../errors/index.js";
import { documented } from "../openapi/index.js";
import { ProbeResultSchema, Timestamp, type Body } from "../openapi/schemas.js";
import { validate } from "../validate.js";

/** Largest target list the body schema accepts; the core request caps (50 targets) apply after expansion. */
const MAX_TARGETS = 200;
const DEFAULT_BODY_LIMIT = 64 * 1024;

export const ProbeBody = v.pipe(
  v.strictObject({
    targets: v.optional(v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(2048))), v.minLength(1), v.maxLength(MAX_TARGETS))),
    product: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, "must be a product id such as kong-konnect"))),
    geo: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2,8}$/, "must be a vendor geography such as eu"))),
    regions: v.optional(
      v.pipe(
        v.array(v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "must be a probe region name such as eu-west-1"))),
        v.minLength(1),
        v.maxLength(32),
        v.description("Probe regions to run from (default: all configured); each runs once, however often it is listed"),
      ),
    ),
  }),
  v.check((body) => body.targets !== undefined || body.product !== undefined, "give `targets` or a `product`"),
);

export const ProbeIdParams = v.strictObject({
  id: v.pipe(v.string(), v.uuid("must be a probe id (UUID)")),
});

export const ProbeStartedBody = v.object({
  id: v.pipe(v.string(), v.uuid(), v.description("The probe's id: GET /v1/probes/{id} for its results")),
  undispatched: v.optional(v.pipe(v.array(v.string()), v.description("Regions the probe could not be sent to (they stay pending)"))),
});

export const ProbeRecordBody = v.object({
  id: v.string(),
  targets: v.array(v.string()),
  regions: v.array(v.string()),
  requestedBy: v.pipe(v.string(), v.description("The caller: a hash prefix of its token, never the token")),
  createdAt: Timestamp,
  results: v.array(ProbeResultSchema),
  done: v.pipe(v.array(v.string()), v.description("Regions that have reported")),
  pending: v.pipe(v.array(v.string()), v.description("Regions that have not reported yet")),
});

export function probesRoutes(deps: AppDeps) {
  const limitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
  const limiter = createRateLimiter(deps.store, {
    rules: deps.probesPerMinute !== undefined ? [{ subject: "api-token", limit: deps.probesPerMinute, windowSeconds: 60 }] : DEFAULT_RATE_LIMITS,
    ...(deps.now ? { now: () => deps.now!().getTime() } : {}),
  });
  return new Hono<{ Variables: { caller: string } }>()
    .post(
      "/v1/probes",
      documented({
        operationId: "startProbe",
        summary: "Run targets (or a product's plan) now from the given probe regions; results arrive in GET /v1/probes/{id}",
        tag: "probes",
        security: "apiToken",
        ok: { status: 202, description: "Dispatched to every region (but those in `undispatched`)", schema: ProbeStartedBody },
        errors: {
          400: "Invalid body, target, product or region",
          401: true,
          403: "Writes disabled (no token configured) or target refused by the SSRF guard",
          413: "Body too large, or more targets / ports than one request may carry",
          415: true,
          429: "Too many on-demand probes for this token (see Retry-After)",
          503: true,
        },
      }),
      requireToken(deps.apiTokens),
      bodyLimit({
        maxSize: limitBytes,
        onError: () => {
          throw new PayloadTooLarge(limitBytes);
        },
      }),
      validate("json", ProbeBody),
      async (c) => {
        const body = c.req.valid("json");
        const caller = c.get("caller");
        // One probe per region: a region listed twice is still one dispatch (one rate-limit unit is one request).
        const regions = [...new Set(body.regions ?? deps.regions)];
        const unknown = regions.filter((region) => !deps.regions.includes(region));
        if (unknown.length > 0) {
          throw new BadRequest(`unknown probe region ${unknown.join(", ")} (configured: ${deps.regions.join(", ")})`, "unknown_region");
        }
        try {
          await limiter.consume({ "api-token": caller });
        } catch (error) {
          if (error instanceof RateLimitedError) throw new TooManyRequests(error.message, error.retryAfterSeconds);
          throw error;
        }
        const checks = await checksFor(deps, body);
        const id = randomUUID();
        const createdAt = (deps.now?.() ?? new Date()).toISOString();
        await deps.store.createProbe({ id, targets: checks.map((check) => check.target), regions, requestedBy: caller, createdAt });
        const sent = await Promise.allSettled(
          regions.map((region) => deps.dispatchProbe({ region, roundId: id, probeId: id, checks })),
        );
        const undispatched = regions.filter((_, index) => sent[index]!.status === "rejected");
        for (const [index, outcome] of sent.entries()) {
          if (outcome.status === "rejected") console.error(`api: probe ${id} not dispatched to ${regions[index]}:`, outcome.reason);
        }
        const started: Body<typeof ProbeStartedBody> = { id, ...(undispatched.length > 0 ? { undispatched } : {}) };
        return c.json(started, 202);
      },
    )
    .get(
      "/v1/probes/:id",
      documented({
        operationId: "getProbe",
        summary: "An on-demand probe with the per-region results that have arrived so far",
        tag: "probes",
        security: "public",
        ok: { status: 200, description: "The probe, its results so far and the regions still pending", schema: ProbeRecordBody },
        errors: { 400: "Not a probe id (UUID)", 404: "Unknown probe", 503: true },
      }),
      validate("param", ProbeIdParams),
      async (c) => {
        const { id } = c.req.valid("param");
        const record = await deps.store.getProbe(id);
        if (!record) throw new NotFound(`no probe with id ${id}`);
        const body: Body<typeof ProbeRecordBody> = { ...record, pending: record.regions.filter((region) => !record.done.includes(region)) };
        return c.json(body);
      },
    );
}

/** The checks to run: explicit targets, or a product's plan; every target passes the SSRF guard first. */
async function checksFor(deps: AppDeps, body: v.InferOutput<typeof ProbeBody>): Promise<Check[]> {
  const checks: Check[] = (body.targets ?? []).map((target) => ({ checkId: checkIdOf("probe", target), target }));
  if (body.product !== undefined) {
    try {
      checks.push(...(await deps.planProduct(body.product, body.geo)));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new BadRequest(error instanceof Error ? error.message : String(error), "invalid_product");
    }
  }
  if (checks.length === 0) throw new BadRequest("nothing to probe: the product plan has no probe-ready checks", "empty_probe");
  const targets: Target[] = [];
  for (const check of checks) {
    try {
      targets.push(checkTarget(check.target, deps.guard));
    } catch (error) {
      if (!(error instanceof BlockedTargetError)) throw error;
      if (error.reason === "invalid_target") throw new BadRequest(`${check.target}: ${error.message}`, "invalid_target");
      throw new Forbidden(`${check.target}: ${error.message}`, "blocked_target");
    }
  }
  try {
    enforceCaps(targets);
  } catch (error) {
    if (error instanceof CapExceededError) throw new ApiError(413, error.code, error.message);
    throw error;
  }
  return checks;
}
