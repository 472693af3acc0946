import type { ScheduledEvent } from "aws-lambda";
import { roundDepsOf, roundIdOf, runRound, type RoundReport } from "../rounds/index.js";
import { runtimeFromEnv, type Runtime } from "../runtime/index.js";

/**
 * The scheduler's Lambda entry point (EventBridge schedule): one round (rounds/). The local
 * mesh calls `schedulerHandlerFor(its runtime)` on its interval with the same event shape.
 */
export function schedulerHandlerFor(runtime: () => Promise<Runtime>) {
  return async (event: Partial<ScheduledEvent>): Promise<RoundReport> => {
    const deps = await runtime();
    if (deps.checks().length === 0 && !deps.profile) throw new Error("PROBEMESH_PROFILE_JSON: no profile, the scheduler has nothing to probe");
    return runRound(roundDepsOf(deps), roundIdOf(event));
  };
}

export const handler = schedulerHandlerFor(runtimeFromEnv);
