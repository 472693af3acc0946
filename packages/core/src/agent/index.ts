import * as v from "valibot";
import type { Check } from "../check/index.js";
import { plan } from "../plan/index.js";
import type { Profile } from "../profile/index.js";
import { LocationNameSchema } from "../region/index.js";
import { KINDS, OUTCOMES, type ProbeResult } from "../result/index.js";

/**
 * Agents: `probemesh agent` processes probing from where the workload runs. One home for what
 * the agent and the API agree on: how a location is named as a region, which checks a location
 * probes, and the wire schemas of plan, result batches and heartbeats.
 *
 * A location is stored and shown as the region `agent:<location>`: results, region state,
 * heartbeats and verdict columns use that name, so it can never collide with an AWS region
 * and every reader can tell an agent from a cloud region by the name alone.
 */

export { LocationNameSchema };

export { agentRegion, isAgentRegion, locationOf } from "./region.js";

/**
 * The checks one location probes: the profile's `locations.<name>` section over the profile
 * (products/targets/expectations replace, set/hosts merge, `directions` filters catalog rows);
 * a location without a section probes the profile's whole plan.
 */
export function planForLocation(profile: Profile, location: string): Check[] {
  const section = profile.locations?.[location];
  if (!section) return plan({ profile }).checks;
  const { directions, intervalS, ...own } = section;
  const merged: Profile = {
    ...profile,
    ...(own.products ? { products: own.products } : {}),
    ...(own.geo ? { geo: own.geo } : {}),
    ...(own.targets ? { targets: own.targets } : {}),
    ...(own.expectations ? { expectations: own.expectations } : {}),
    set: { ...profile.set, ...own.set },
    hosts: { ...profile.hosts, ...own.hosts },
    ...(intervalS ? { intervalS } : {}),
  };
  return plan({ profile: merged, ...(directions ? { directions } : {}) }).checks;
}

/** Most results one batch carries (an agent splits larger rounds into several batches). */
export const MAX_BATCH_RESULTS = 2_000;
/** Largest accepted body of a result batch (about 1 KiB per result). */
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;
/** Most checks a plan may hold for one location. */
export const MAX_PLAN_CHECKS = 20_000;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(128), v.regex(/^[^#\s]+$/, "no spaces or '#'"));
const Time = v.pipe(v.string(), v.maxLength(40), v.isoTimestamp("must be an ISO-8601 timestamp"));

/** What GET /v1/agents/:location/plan answers. */
export const AgentPlanSchema = v.object({
  location: LocationNameSchema,
  region: v.string(),
  intervalS: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(86_400)),
  checks: v.pipe(
    v.array(
      v.looseObject({
        checkId: Id,
        target: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)),
        expect: v.optional(v.picklist(["reachable", "blocked"])),
        retries: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(5))),
        certMinDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
      }),
    ),
    v.maxLength(MAX_PLAN_CHECKS),
  ),
  /** The lab only (`npm start` without a profile): its network description (lab DNS, port map, CA), since its hosts exist nowhere else. */
  lab: v.optional(v.looseObject({ region: v.string(), localAddress: v.string(), dnsServer: v.string(), ca: v.array(v.string()), routes: v.record(v.string(), v.unknown()), closed: v.record(v.string(), v.number()) })),
});
export type AgentPlan = Omit<v.InferOutput<typeof AgentPlanSchema>, "checks"> & { checks: Check[] };

/** One probe result as an agent sends it (the store checks the rest: region, outcome, time). */
const ResultSchema = v.looseObject({
  checkId: Id,
  target: v.pipe(v.string(), v.maxLength(2048)),
  kind: v.picklist(KINDS),
  region: v.pipe(v.string(), v.maxLength(128)),
  at: Time,
  status: v.picklist(["pass", "fail", "inconclusive"]),
  outcome: v.picklist(OUTCOMES),
  durationMs: v.pipe(v.number(), v.minValue(0)),
  phases: v.record(v.string(), v.number()),
  detail: v.optional(v.record(v.string(), v.unknown())),
});

/** POST /v1/agents/:location/results: one round's results (or part of them), idempotent by round id. */
export const ResultBatchSchema = v.object({
  roundId: Id,
  results: v.pipe(v.array(ResultSchema), v.minLength(1), v.maxLength(MAX_BATCH_RESULTS)),
});
export type ResultBatch = { roundId: string; results: ProbeResult[] };

/** POST /v1/agents/:location/heartbeat: the agent is alive and how its latest round went. */
export const AgentHeartbeatSchema = v.object({
  at: Time,
  /** The agent's latest round id (its start time). */
  roundId: v.optional(Id),
  ok: v.boolean(),
  error: v.optional(v.pipe(v.string(), v.maxLength(500))),
  checks: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** The agent's probe interval: it is stale after missing rounds of its own interval. */
  intervalS: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(86_400)),
  /** Result batches waiting in the agent's buffer (the API was unreachable). */
  buffered: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  /** Result batches the agent dropped since it started because its buffer was full (those results are lost). */
  dropped: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
});
export type AgentHeartbeat = v.InferOutput<typeof AgentHeartbeatSchema>;
