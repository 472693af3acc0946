import { FUNCTION_SIZES } from "../packages/core/src/cost/functions.js";
import { settings } from "./config.js";
import { logging, profileFiles, sharedEnvironment, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./environment.js";
import { driftGrants, schedulerGrants } from "./permissions.js";
import { probeFunctionArns, probeFunctionsJson } from "./probes.js";
import { alertSecrets, deadmanAlarm } from "./alerts.js";
import { agentTokens } from "./secrets.js";
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
    // Sizes live in core/cost/functions.ts, where `probemesh cost` prices them; a large plan raises the memory
    // (PROBEMESH_SCHEDULER_MEMORY_MB), which Lambda turns into CPU for the evaluation.
    memory: `${settings.schedulerMemoryMb} MB`,
    timeout: `${FUNCTION_SIZES.scheduler.timeoutS} seconds`,
    // Agent locations are regions of the verdicts the scheduler evaluates.
    environment: { ...sharedEnvironment, PROBEMESH_PROBE_FUNCTIONS: probeFunctionsJson, PROBEMESH_AGENT_TOKENS: agentTokens.value },
    link: alertSecrets,
    copyFiles: profileFiles,
    permissions: schedulerGrants(tableArns, probeFunctionArns),
    logging,
  },
});

/** The dead man's switch on AWS: an alarm when the scheduler completes no round for 3 intervals. */
export const schedulerDeadman = deadmanAlarm(scheduler.nodes.function.name);

/**
 * The drift watch runs on its own schedule, once a day: it fetches the pages of the profile's
 * `watch` list through the SSRF guard, diffs them against the catalogs in use, stores and alerts
 * each change once. One short invocation a day, so it is not priced by `probemesh cost`.
 */
export const driftWatch = new sst.aws.CronV2("DriftWatch", {
  schedule: "rate(1 day)",
  retries: 0,
  function: {
    description: "probemesh drift watch",
    handler: "packages/functions/src/handlers/drift.handler",
    runtime: FUNCTION_RUNTIME,
    architecture: FUNCTION_ARCHITECTURE,
    memory: "256 MB",
    timeout: "120 seconds",
    environment: { ...sharedEnvironment },
    copyFiles: profileFiles,
    permissions: driftGrants(tableArns),
    logging,
  },
});
