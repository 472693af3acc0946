/**
 * @probemesh/functions: Lambda handlers (handlers/*.ts export `handler`), the Hono API, the
 * composition root (runtime/), the round and probe modules, the Invoke emulator, the lab and
 * the local mesh.
 */
export { createApp, type AppDeps } from "./api/index.js";
export { loadSettings, ConfigError, type Settings } from "./config/index.js";
export { createRuntime, type Runtime } from "./runtime/index.js";
export { startInvokeServer, type InvokeServer, type LambdaHandler } from "./invoke/index.js";
export { createProbeInvoker, ProbeInvokeError, type ProbeInvoker } from "./invoke/client.js";
export type { ProbeInvocation, ProbeSummary } from "./invoke/payloads.js";
export { createProbeFunction, type ProbeFunctionDeps } from "./probe/index.js";
export { runRound, type RoundDeps, type RoundReport, type IncidentTransitions } from "./rounds/index.js";
export { startLab, type Lab, type LabFault } from "./lab/index.js";
export { startMesh, type Mesh, type MeshOptions } from "./mesh/index.js";
