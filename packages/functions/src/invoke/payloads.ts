import { MAX_RETRIES, type Check } from "@probemesh/core/check";
import { MAX_CERT_MIN_DAYS } from "@probemesh/core/target";
import * as v from "valibot";

/**
 * The scheduler ↔ probe-function contract, as valibot schemas parsed at both ends (the probe
 * function parses what it is sent, the invoker parses what it gets back); the TypeScript
 * types are inferred from them.
 */

/** Largest plan one invocation carries; the scheduler splits larger plans. */
export const MAX_CHECKS_PER_INVOCATION = 20_000;

const CheckSchema = v.looseObject({
  checkId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  target: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
  expect: v.optional(v.picklist(["reachable", "blocked"])),
  label: v.optional(v.pipe(v.string(), v.maxLength(512))),
  product: v.optional(v.pipe(v.string(), v.maxLength(128))),
  component: v.optional(v.pipe(v.string(), v.maxLength(256))),
  retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_RETRIES))),
  certMinDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CERT_MIN_DAYS))),
});

/** What the scheduler and POST /v1/probes send to a region's probe function. */
export const ProbeInvocationSchema = v.object({
  region: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  roundId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  checks: v.pipe(v.array(CheckSchema), v.maxLength(MAX_CHECKS_PER_INVOCATION)),
  /** Budget for the whole round in ms; the handler also stays below the Lambda timeout. */
  deadlineMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** Set for on-demand probes: results go to this probe record instead of the round history. */
  probeId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(128))),
});
/** Checks pass through with every field the planner set (loose: a newer scheduler may add fields). */
export type ProbeInvocation = Omit<v.InferOutput<typeof ProbeInvocationSchema>, "checks"> & { checks: Check[] };

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** What a probe function returns. */
export const ProbeSummarySchema = v.object({
  region: v.string(),
  roundId: v.string(),
  probeId: v.optional(v.string()),
  checks: Count,
  counts: v.object({ pass: Count, fail: Count, inconclusive: Count }),
  /** Results the deadline cut off (stored as inconclusive with `detail.deadline`, not dropped). */
  unfinished: Count,
  /** Results kept in the region's spool because the store was unavailable (delivered later). */
  spooled: v.optional(Count),
  /** Spooled batches from earlier invocations delivered to the store by this one. */
  drained: v.optional(Count),
  durationMs: v.pipe(v.number(), v.minValue(0)),
});
export type ProbeSummary = v.InferOutput<typeof ProbeSummarySchema>;

/** A payload that is not what the contract says. */
export class InvalidPayloadError extends Error {
  override name = "InvalidPayloadError";
}

/** Parses one end of the contract; the error names the first bad field. */
export function parsePayload(schema: typeof ProbeInvocationSchema, value: unknown, what: string): ProbeInvocation;
export function parsePayload<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S>;
export function parsePayload<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const parsed = v.safeParse(schema, value);
  if (parsed.success) return parsed.output;
  const issue = parsed.issues[0];
  throw new InvalidPayloadError(`invalid ${what}: ${v.getDotPath(issue) ?? "payload"}: ${issue.message}`);
}
