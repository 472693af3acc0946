/**
 * @probemesh/functions: Lambda handlers (handlers/*.ts export `handler`), the Hono API,
 * the Lambda Invoke emulator, the lab and the local mesh.
 */
export { createApp, type AppDeps } from "./api/index.js";
export { loadConfig, ConfigError, type Config } from "./config/index.js";
export { startInvokeServer, type InvokeServer, type LambdaHandler } from "./invoke/index.js";
export { createProbeInvoker, ProbeInvokeError, type ProbeInvoker } from "./invoke/client.js";
export type { ProbeInvocation, ProbeSummary } from "./invoke/payloads.js";
export { createProbeHandler, type ProbeHandlerDeps } from "./handlers/probe.js";
export { runRound, type SchedulerDeps, type RoundReport, type IncidentTransitions } from "./handlers/scheduler.js";
export { startLab, type Lab, type LabFault } from "./lab/index.js";
export { startMesh, type Mesh, type MeshOptions } from "./mesh/index.js";
