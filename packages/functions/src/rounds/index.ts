import type { Check } from "@probemesh/core/check";
import type { MaintenanceWindow } from "@probemesh/core/maintenance";
import { isStoreUnavailable, type Incident, type Store } from "@probemesh/core/store";
import type { ProbeInvocation, ProbeSummary } from "../invoke/payloads.js";
import type { Runtime, VerdictScope } from "../runtime/index.js";
import { alertSilentAgents } from "../deadman/agents.js";
import { planShards, type ShardPlanOptions } from "./shards.js";

/** What the scheduler hands to the alert hook after each evaluation. */
export interface IncidentTransitions {
  opened: Incident[];
  resolved: Incident[];
}

export interface RoundDeps {
  store: Pick<Store, "recordHeartbeat" | "evaluate">;
  regions: string[];
  /** The checks to probe this round (plan of the profile). */
  checks(): Check[] | Promise<Check[]>;
  /** RequestResponse invocation of one region's probe function; throws when the region does not answer. */
  runProbe(invocation: ProbeInvocation): Promise<ProbeSummary>;
  /** Called with each evaluation's incident transitions (alerts). */
  onTransitions?: (transitions: IncidentTransitions) => Promise<void>;
  /** Called with the alerted incidents still open after each evaluation (reminders). */
  onStillOpen?: (open: Incident[]) => Promise<void>;
  /** Looks for agent locations that went silent or came back (deadman/agents.ts), after each round. */
  watchAgents?: (now: Date) => Promise<unknown>;
  /** Time budget each region gets for the whole round. */
  roundDeadlineMs: number;
  /** A region silent for longer than this is stale (counts as unknown, never as down). */
  staleAfterMs: number;
  quorum?: number;
  /** How a region's plan is split into invocations (absent: one invocation per region). */
  sharding?: Omit<ShardPlanOptions, "budgetMs">;
  /** The profile's maintenance windows: probing and storage go on, alerts inside them are held back. */
  maintenance?: readonly MaintenanceWindow[];
  /** Judge over these regions (cloud regions plus agent locations) instead of `regions` alone. */
  verdictScope?: VerdictScope;
  now?: () => Date;
}

/** One region's part of a round: its invocations' summaries added up. */
export interface RegionRound {
  region: string;
  /** At least one invocation answered. */
  ok: boolean;
  summary?: ProbeSummary;
  error?: string;
  /** Invocations the region's plan was split into, and those that failed or timed out (their checks go stale, never down). */
  shards: number;
  failedShards: number;
}

export interface RoundReport {
  roundId: string;
  at: string;
  checks: number;
  regions: RegionRound[];
  opened: number;
  resolved: number;
  /** Set when the store could not take the round's heartbeats or evaluation (results were spooled by the probe functions). */
  storeError?: string;
}

/**
 * One scheduled round: split the plan into invocations sized by time (shards.ts) and fan them
 * out to every region's probe function in parallel, record
 * each region's heartbeat (a region that does not answer is recorded as not ok — its checks go
 * stale, they are never written as failures), then evaluate verdicts and hand incident
 * transitions to the alert hook.
 */
export async function runRound(deps: RoundDeps, roundId?: string): Promise<RoundReport> {
  const now = deps.now ?? (() => new Date());
  const at = now().toISOString();
  const id = roundId ?? at;
  const checks = await deps.checks();
  let storeError: string | undefined;
  // The store being down must not lose the round: the probe functions spool their results,
  // and a heartbeat or evaluation that cannot be written is reported, not thrown.
  const tolerate = async (write: () => Promise<unknown>) => {
    try {
      await write();
    } catch (error) {
      if (!isStoreUnavailable(error)) throw error;
      storeError ??= (error as Error).message;
    }
  };
  const plans = deps.sharding ? planShards(checks, { ...deps.sharding, budgetMs: deps.roundDeadlineMs }) : [checks];
  const regions = await Promise.all(deps.regions.map((region) => probeRegion(deps, { region, roundId: id, plans, now, tolerate })));
  let evaluation = { opened: [] as Incident[], resolved: [] as Incident[], alerts: { opened: [] as Incident[], resolved: [] as Incident[], open: [] as Incident[] } };
  await tolerate(async () => {
    const scope = deps.verdictScope;
    evaluation = await deps.store.evaluate({
      now: now(),
      regions: scope?.regions ?? deps.regions,
      staleAfterMs: deps.staleAfterMs,
      checks: scope?.checks ?? checks,
      ...(scope ? { probes: scope.probes, counts: scope.counts } : {}),
      ...(deps.maintenance ? { maintenance: deps.maintenance } : {}),
      ...(deps.quorum !== undefined ? { quorum: deps.quorum } : {}),
    });
  });
  // Only the transitions that alert (after each check's alertOn and the maintenance windows).
  const { alerts } = evaluation;
  // A hook that fails is logged: the round and its stored evaluation stand.
  if (alerts.open.length > 0) await logged("reminder hook", () => deps.onStillOpen?.(alerts.open));
  if (alerts.opened.length > 0 || alerts.resolved.length > 0) await logged("alert hook", () => deps.onTransitions?.({ opened: alerts.opened, resolved: alerts.resolved }));
  await logged("agent silence check", () => deps.watchAgents?.(now()));
  return {
    roundId: id,
    at,
    checks: checks.length,
    regions,
    opened: evaluation.opened.length,
    resolved: evaluation.resolved.length,
    ...(storeError ? { storeError } : {}),
  };
}

/** One region's part of a round: every invocation of the plan, then the region's heartbeat (ok when any answered). */
async function probeRegion(
  deps: RoundDeps,
  round: { region: string; roundId: string; plans: Check[][]; now: () => Date; tolerate: (write: () => Promise<unknown>) => Promise<void> },
): Promise<RegionRound> {
  const { region, roundId: id, plans, now, tolerate } = round;
  const outcomes = await Promise.allSettled(plans.map((plan) => deps.runProbe({ region, roundId: id, checks: plan, deadlineMs: deps.roundDeadlineMs })));
  const answered = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value] : []));
  const errors = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason instanceof Error ? o.reason.message : String(o.reason)] : []));
  const shards = { shards: plans.length, failedShards: errors.length };
  const error =
    errors.length === 0 ? undefined : (plans.length === 1 ? errors[0]! : `${errors.length} of ${plans.length} invocations failed: ${errors[0]}`).slice(0, 500);
  if (answered.length === 0) {
    await tolerate(() => deps.store.recordHeartbeat({ region, roundId: id, at: now().toISOString(), ok: false, error: error ?? "no invocation", ...shards }));
    return { region, ok: false, ...(error ? { error } : {}), ...shards };
  }
  const summary = addSummaries(region, id, answered);
  await tolerate(() =>
    deps.store.recordHeartbeat({ region, roundId: id, at: now().toISOString(), ok: true, checks: summary.checks, ...(error ? { error } : {}), ...shards }),
  );
  return { region, ok: true, summary, ...(error ? { error } : {}), ...shards };
}

async function logged(what: string, hook: () => Promise<unknown> | undefined): Promise<void> {
  try {
    await hook();
  } catch (error) {
    console.error(`scheduler: ${what} failed:`, error);
  }
}

/** One region's invocation summaries as one. */
function addSummaries(region: string, roundId: string, parts: ProbeSummary[]): ProbeSummary {
  const sum = (pick: (p: ProbeSummary) => number | undefined) => parts.reduce((n, p) => n + (pick(p) ?? 0), 0);
  const spooled = sum((p) => p.spooled);
  const drained = sum((p) => p.drained);
  return {
    region,
    roundId,
    checks: sum((p) => p.checks),
    counts: { pass: sum((p) => p.counts.pass), fail: sum((p) => p.counts.fail), inconclusive: sum((p) => p.counts.inconclusive) },
    unfinished: sum((p) => p.unfinished),
    ...(spooled ? { spooled } : {}),
    ...(drained ? { drained } : {}),
    durationMs: Math.max(...parts.map((p) => p.durationMs)),
  };
}

/** The round id of a scheduled event: its scheduled time, so a retried delivery is the same round. */
export function roundIdOf(event: { time?: unknown }): string | undefined {
  return typeof event.time === "string" && !Number.isNaN(Date.parse(event.time)) ? new Date(event.time).toISOString() : undefined;
}

/** The scheduler's dependencies from the composition root. */
export function roundDepsOf(runtime: Runtime): RoundDeps {
  const { settings } = runtime;
  return {
    store: runtime.store,
    regions: settings.regions,
    checks: () => runtime.checks(),
    runProbe: (invocation) => runtime.invoker.run(invocation),
    onTransitions: (transitions) => runtime.alert(transitions),
    onStillOpen: (open) => runtime.alert.remind(open),
    ...(runtime.agentRegions.length > 0 ? { watchAgents: (now: Date) => alertSilentAgents(runtime.store, runtime.alert, now) } : {}),
    roundDeadlineMs: runtime.roundDeadlineMs,
    staleAfterMs: runtime.staleAfterMs,
    sharding: { concurrency: settings.probeConcurrency, timeoutMs: settings.probeTimeoutMs, storeShards: settings.storeShards },
    ...(runtime.agentRegions.length > 0 ? { verdictScope: runtime.verdictScope } : {}),
    ...(runtime.profile?.maintenance ? { maintenance: runtime.profile.maintenance } : {}),
    ...(settings.quorum !== undefined ? { quorum: settings.quorum } : {}),
  };
}
