import type { DriftSource } from "@probemesh/core/drift";
import { driftDepsOf, watchDrift } from "../drift/index.js";
import { runtimeFromEnv, type Runtime } from "../runtime/index.js";

/**
 * The drift watch's Lambda entry point (its own EventBridge schedule, daily by default). The
 * local mesh calls `driftHandlerFor(its runtime)` every PROBEMESH_WATCH_INTERVAL_S.
 */
export function driftHandlerFor(runtime: () => Promise<Runtime>) {
  return async (): Promise<DriftSource[]> => watchDrift(driftDepsOf(await runtime()));
}

export const handler = driftHandlerFor(runtimeFromEnv);
