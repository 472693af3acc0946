import { settings } from "./config.js";
import { logging, profileFiles, sharedEnvironment, FUNCTION_RUNTIME } from "./environment.js";
import { schedulerGrants } from "./permissions.js";
import { probeFunctionArns, probeFunctionsJson } from "./probes.js";
import { scheduleExpression } from "./settings.js";
import { tableArns } from "./storage.js";

/**
 * EventBridge Scheduler runs the scheduler every PROBEMESH_INTERVAL_S; it fans the round
 * out to every probe region, waits for their summaries and evaluates verdicts. It plans the
 * profile (PROBEMESH_PROFILE); without one it has nothing to probe. No retries: a late
 * duplicate round is worse than one missed minute, and the next round comes anyway.
 */
export const scheduler = new sst.aws.CronV2("Scheduler", {
  schedule: scheduleExpression(settings.intervalS),
  retries: 0,
  function: {
    description: "probemesh scheduler",
    handler: "packages/functions/src/handlers/scheduler.handler",
    runtime: FUNCTION_RUNTIME,
    // It mostly waits for the regions' RequestResponse invocations (round deadline ≤ 50 s).
    memory: "256 MB",
    timeout: "58 seconds",
    environment: { ...sharedEnvironment, PROBEMESH_PROBE_FUNCTIONS: probeFunctionsJson },
    copyFiles: profileFiles,
    permissions: schedulerGrants(tableArns, probeFunctionArns),
    logging,
  },
});
