import type { Check } from "@probemesh/core/check";
import type { MaintenanceWindow } from "@probemesh/core/maintenance";
import { isStoreUnavailable, type Incident, type Store } from "@probemesh/core/store";
import type { ProbeInvocation, ProbeSummary } from "../invoke/payloads.js";
import type { Runtime } from "../runtime/index.js";

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
  /** Time budget each region gets for the whole round. */
  roundDeadlineMs: number;
  /** A region silent for longer than this is stale (counts as unknown, never as down). */
  staleAfterMs: number;
  quorum?: number;
  /** The profile's maintenance windows: probing and storage go on, alerts inside them are held back. */
  maintenance?: readonly MaintenanceWindow[];
  now?: () => Date;
}

export interface RoundReport {
  roundId: string;
  at: string;
  checks: number;
  regions: Array<{ region: string; ok: boolean; summary?: ProbeSummary; error?: string }>;
  opened: number;
  resolved: number;
  /** Set when the store could not take the round's heartbeats or evaluation (results were spooled by the probe functions). */
  storeError?: string;
}

/**
 * One scheduled round: fan the checks out to every region's probe function in parallel, record
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
  const regions = await Promise.all(
    deps.regions.map(async (region) => {
      try {
        const summary = await deps.runProbe({ region, roundId: id, checks, deadlineMs: deps.roundDeadlineMs });
        await tolerate(() => deps.store.recordHeartbeat({ region, roundId: id, at: now().toISOString(), ok: true, checks: summary.checks }));
        return { region, ok: true, summary };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await tolerate(() => deps.store.recordHeartbeat({ region, roundId: id, at: now().toISOString(), ok: false, error: message.slice(0, 500) }));
        return { region, ok: false, error: message };
      }
    }),
  );
  let evaluation = { opened: [] as Incident[], resolved: [] as Incident[], alerts: { opened: [] as Incident[], resolved: [] as Incident[] } };
  await tolerate(async () => {
    evaluation = await deps.store.evaluate({
      now: now(),
      regions: deps.regions,
      staleAfterMs: deps.staleAfterMs,
      checks,
      ...(deps.maintenance ? { maintenance: deps.maintenance } : {}),
      ...(deps.quorum !== undefined ? { quorum: deps.quorum } : {}),
    });
  });
  // Only the transitions that alert (after each check's alertOn and the maintenance windows).
  const { alerts } = evaluation;
  if (deps.onTransitions && (alerts.opened.length > 0 || alerts.resolved.length > 0)) {
    try {
      await deps.onTransitions({ opened: alerts.opened, resolved: alerts.resolved });
    } catch (error) {
      console.error("scheduler: alert hook failed:", error);
    }
  }
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
    roundDeadlineMs: runtime.roundDeadlineMs,
    staleAfterMs: runtime.staleAfterMs,
    ...(runtime.profile?.maintenance ? { maintenance: runtime.profile.maintenance } : {}),
    ...(settings.quorum !== undefined ? { quorum: settings.quorum } : {}),
  };
}
