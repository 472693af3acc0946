import { logging, profileFiles, sharedEnvironment, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./environment.js";
import { chatopsGrants, chatopsWorkerGrants } from "./permissions.js";
import { probeFunctionArns, probeFunctionsJson } from "./probes.js";
import { agentTokens, slackSigningSecret } from "./secrets.js";
import { tableArns } from "./storage.js";

/** Runs the on-demand probe a slash command asked for and posts to Slack's response_url. */
export const chatopsWorker = new sst.aws.Function("ChatopsWorker", {
  description: "probemesh chat-ops worker",
  handler: "packages/functions/src/handlers/chatops-worker.handler",
  runtime: FUNCTION_RUNTIME,
  architecture: FUNCTION_ARCHITECTURE,
  memory: "512 MB",
  timeout: "2 minutes",
  retries: 0,
  environment: { ...sharedEnvironment, PROBEMESH_PROBE_FUNCTIONS: probeFunctionsJson },
  copyFiles: profileFiles,
  permissions: chatopsWorkerGrants(tableArns, probeFunctionArns),
  logging,
});

/**
 * Receives POST /chatops/slack: verifies the signature, acks within Slack's 3 s and invokes
 * the worker asynchronously (InvocationType Event).
 */
export const chatops = new sst.aws.Function("Chatops", {
  description: "probemesh Slack slash command",
  handler: "packages/functions/src/handlers/chatops.handler",
  runtime: FUNCTION_RUNTIME,
  architecture: FUNCTION_ARCHITECTURE,
  memory: "256 MB",
  timeout: "10 seconds",
  environment: {
    ...sharedEnvironment,
    SLACK_SIGNING_SECRET: slackSigningSecret.value,
    // `/probe status` shows agent locations' columns.
    PROBEMESH_AGENT_TOKENS: agentTokens.value,
    PROBEMESH_CHATOPS_WORKER: chatopsWorker.name,
  },
  permissions: chatopsGrants(tableArns, chatopsWorker.arn),
  logging,
});
