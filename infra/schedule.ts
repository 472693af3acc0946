import { FUNCTION_SIZES } from "../packages/core/src/cost/functions.js";
import { settings } from "./config.js";
import { logging, profileFiles, sharedEnvironment, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./environment.js";
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
    architecture: FUNCTION_ARCHITECTURE,
    // Sizes live in core/cost/functions.ts, where `probemesh cost` prices them.
    memory: `${FUNCTION_SIZES.scheduler.memoryMb} MB`,
    timeout: `${FUNCTION_SIZES.scheduler.timeoutS} seconds`,
    environment: { ...sharedEnvironment, PROBEMESH_PROBE_FUNCTIONS: probeFunctionsJson },
    copyFiles: profileFiles,
    permissions: schedulerGrants(tableArns, probeFunctionArns),
    logging,
  },
});
