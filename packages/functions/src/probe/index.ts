import { runChecks } from "@probemesh/core/engine";
import { BlockedTargetError, checkTarget, guardContext, type Guard } from "@probemesh/core/guard";
import { defaultContext, invalidTargetResult, type ProbeContext } from "@probemesh/core/probers";
import type { ProbeResult } from "@probemesh/core/result";
import { isStoreUnavailable, type Store } from "@probemesh/core/store";
import type { Context } from "aws-lambda";
import { InvalidPayloadError, parsePayload, ProbeInvocationSchema, type ProbeSummary } from "../invoke/payloads.js";
import type { Runtime } from "../runtime/index.js";
import type { Spool } from "../spool/index.js";

export interface ProbeFunctionDeps {
  store: Pick<Store, "writeResults" | "addProbeResults">;
  /** The region this function runs in; an invocation for another region is refused. */
  region?: string;
  /** Network context of this region's probes (the lab: source address, lab DNS, port map, lab CA). */
  context?: (region: string) => Partial<ProbeContext>;
  /** On-demand probes (probeId set) run behind the SSRF guard; scheduled checks come from the operator's profile. */
  guard: Guard;
  /** Checks in flight at once (default 32). */
  concurrency?: number;
  /** Budget of one probe (default 5 s). */
  timeoutMs?: number;
  /** Where results go when the store is unavailable (drained before anything newer is written). */
  spool?: Spool;
  /** Time kept free below the Lambda timeout to write results (default 3 s). */
  writeMarginMs?: number;
}

/**
 * The probe function: runs one region's checks with a concurrency cap and a deadline below the
 * Lambda timeout, writes the results (round history, or the on-demand probe record), and
 * returns a summary. Checks the deadline cut off are stored as inconclusive and counted as `unfinished`.
 */
export function createProbeFunction(deps: ProbeFunctionDeps) {
  return async (event: unknown, context: Pick<Context, "getRemainingTimeInMillis">): Promise<ProbeSummary> => {
    const started = Date.now();
    const invocation = parsePayload(ProbeInvocationSchema, event, "probe invocation");
    if (deps.region && invocation.region !== deps.region) {
      throw new InvalidPayloadError(`this probe function runs in ${deps.region}, not ${invocation.region}`);
    }
    const budget = context.getRemainingTimeInMillis() - (deps.writeMarginMs ?? 3000);
    const deadlineMs = Math.max(1, Math.min(invocation.deadlineMs ?? budget, budget));

    let probeContext: ProbeContext = defaultContext({ ...deps.context?.(invocation.region), region: invocation.region });
    // On-demand targets come from users: refuse what the guard refuses before anything runs
    // (a `ca=` file parameter is read before any socket opens), then guard every socket too.
    const refused: ProbeResult[] = [];
    let runnable = invocation.checks;
    if (invocation.probeId) {
      probeContext = guardContext(probeContext, deps.guard);
      runnable = invocation.checks.filter((check) => {
        try {
          checkTarget(check.target, deps.guard);
          return true;
        } catch (error) {
          if (!(error instanceof BlockedTargetError)) throw error;
          const result = invalidTargetResult(check.target, { ...probeContext, checkId: check.checkId }, error.message, check.expect);
          refused.push({ ...result, detail: { error: error.message, ...error.toDetail() } });
          return false;
        }
      });
    }

    const probed = await runChecks(runnable, {
      context: probeContext,
      concurrency: deps.concurrency ?? 32,
      timeoutMs: deps.timeoutMs ?? 5000,
      deadlineMs,
    });
    const results = [...refused, ...probed];
    const delivery = invocation.probeId
      ? await deps.store.addProbeResults(invocation.probeId, invocation.region, results).then(() => ({ spooled: 0, drained: 0 }))
      : await keepResults(deps, invocation.region, invocation.roundId, results);

    const counts = { pass: 0, fail: 0, inconclusive: 0 };
    for (const result of results) counts[result.status] += 1;
    return {
      region: invocation.region,
      roundId: invocation.roundId,
      ...(invocation.probeId ? { probeId: invocation.probeId } : {}),
      checks: invocation.checks.length,
      counts,
      unfinished: results.filter((result) => result.detail?.deadline !== undefined).length,
      ...(delivery.spooled ? { spooled: delivery.spooled } : {}),
      ...(delivery.drained ? { drained: delivery.drained } : {}),
      durationMs: Date.now() - started,
    };
  };
}

/**
 * Round results reach the store in order: first whatever the spool holds (oldest first), then
 * these. When the store is unavailable they go to the spool instead, and nothing is lost.
 */
async function keepResults(deps: ProbeFunctionDeps, region: string, roundId: string, results: ProbeResult[]): Promise<{ spooled: number; drained: number }> {
  if (!deps.spool) {
    await deps.store.writeResults(region, roundId, results);
    return { spooled: 0, drained: 0 };
  }
  let drained = 0;
  try {
    await deps.spool.drain(async (batch) => {
      await deps.store.writeResults(batch.region, batch.roundId, batch.results);
      drained += 1;
    });
    await deps.store.writeResults(region, roundId, results);
    return { spooled: 0, drained };
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
    await deps.spool.put({ region, roundId, results, spooledAt: new Date().toISOString() });
    console.warn(`probe ${region} ${roundId}: store unavailable (${(error as Error).message}); ${results.length} results kept in the spool`);
    return { spooled: results.length, drained };
  }
}

/** The probe function's dependencies from the composition root, for the function in `region`. */
export function probeDepsOf(runtime: Runtime, region: string | undefined): ProbeFunctionDeps {
  const { settings } = runtime;
  return {
    store: runtime.store,
    guard: runtime.guard,
    ...(region ? { region } : {}),
    context: (r) => runtime.probeContext(r),
    ...(region && runtime.spoolFor(region) ? { spool: runtime.spoolFor(region)! } : {}),
    concurrency: settings.probeConcurrency,
    timeoutMs: settings.probeTimeoutMs,
  };
}
