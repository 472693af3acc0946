import { KINDS, OUTCOMES } from "@probemesh/core/result";
import * as v from "valibot";

/**
 * Response building blocks shared by several routes, as valibot schemas: the document shows them
 * and the handlers' bodies are typed from them (`Body<typeof X>`), so the two cannot drift apart.
 */

/** The body type a response schema describes. */
export type Body<S extends v.GenericSchema> = v.InferOutput<S>;

/** An ISO-8601 timestamp as the API writes it. */
export const Timestamp = v.pipe(v.string(), v.description("ISO-8601 timestamp, e.g. 2026-01-31T12:00:00.000Z"));

export const StatusSchema = v.pipe(v.picklist(["pass", "fail", "inconclusive"]), v.description("pass / fail / inconclusive (a silent UDP port is never a pass)"));
export const OutcomeSchema = v.pipe(v.picklist(OUTCOMES), v.description("Why the probe ended the way it did"));
export const RegionStateSchema = v.pipe(v.picklist(["up", "down", "unknown"]), v.description("A check in one region after the failure / recovery thresholds"));
export const VerdictSchema = v.pipe(v.picklist(["up", "degraded", "down", "unknown"]), v.description("A check across regions"));

const counts = <T extends readonly string[]>(keys: T) =>
  v.object(Object.fromEntries(keys.map((key) => [key, v.number()])) as { [K in T[number]]: v.NumberSchema<undefined> });
/** Results by status. */
export const StatusCounts = counts(["pass", "fail", "inconclusive"] as const);
/** Results by outcome (outcomes that did not happen are absent). */
export const OutcomeCounts = v.record(OutcomeSchema, v.optional(v.number()));

export const ProbeResultSchema = v.pipe(
  v.object({
    checkId: v.string(),
    target: v.pipe(v.string(), v.description("Target URI, e.g. tcp://host:443 or https://host/path")),
    kind: v.picklist(KINDS),
    region: v.string(),
    at: Timestamp,
    status: StatusSchema,
    outcome: OutcomeSchema,
    durationMs: v.number(),
    phases: v.object({ dnsMs: v.optional(v.number()), connectMs: v.optional(v.number()), tlsMs: v.optional(v.number()), firstByteMs: v.optional(v.number()) }),
    remoteAddress: v.optional(v.string()),
    egressIp: v.optional(v.string()),
    detail: v.optional(v.record(v.string(), v.unknown())),
    expect: v.optional(v.picklist(["reachable", "blocked"])),
  }),
  v.description("One probe result"),
  v.metadata({ ref: "ProbeResult" }),
);

export const CheckSchema = v.pipe(
  v.object({
    checkId: v.string(),
    target: v.string(),
    expect: v.optional(v.picklist(["reachable", "blocked"])),
    label: v.optional(v.string()),
    product: v.optional(v.string()),
    component: v.optional(v.string()),
    level: v.optional(v.picklist(["required", "optional", "conditional"])),
    condition: v.optional(v.string()),
    retries: v.optional(v.number()),
    certMinDays: v.optional(v.number()),
    quorum: v.optional(v.number()),
    alertOn: v.optional(v.picklist(["any", "quorum"])),
  }),
  v.description("A probe-ready check: what a plan produces from profile × catalog"),
  v.metadata({ ref: "Check" }),
);

export const RegionViewSchema = v.pipe(
  v.object({
    region: v.string(),
    lastRoundAt: v.nullable(Timestamp),
    ok: v.pipe(v.boolean(), v.description("The region answered its latest round")),
    stale: v.pipe(v.boolean(), v.description("No answered round recently: its results are not current")),
    error: v.optional(v.string()),
    checks: v.optional(v.number()),
    agent: v.optional(v.pipe(v.boolean(), v.description("An agent location (`probemesh agent`), not a cloud region"))),
    buffered: v.optional(v.pipe(v.number(), v.description("An agent's result batches waiting to be sent"))),
    dropped: v.optional(v.pipe(v.number(), v.description("An agent's result batches dropped since it started because its buffer was full (`--buffer`): those results are lost"))),
  }),
  v.metadata({ ref: "RegionView" }),
);

export const ActiveWindowSchema = v.pipe(
  v.object({
    name: v.string(),
    startedAt: Timestamp,
    endsAt: Timestamp,
    regions: v.optional(v.array(v.string())),
  }),
  v.description("A maintenance window active at the evaluation (alerts muted)"),
  v.metadata({ ref: "MaintenanceWindow" }),
);
