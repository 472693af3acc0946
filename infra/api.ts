import { chatops } from "./chatops.js";
import { settings } from "./config.js";
import { logging, profileFiles, sharedEnvironment, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./environment.js";
import { apiGrants } from "./permissions.js";
import { probeFunctionArns, probeFunctionsJson, spoolQueueArns, spoolQueuesJson } from "./probes.js";
import { alertSecrets } from "./alerts.js";
import { agentTokens, apiTokens } from "./secrets.js";
import { tableArns } from "./storage.js";

/** The Hono app (hono/aws-lambda, payload format 2.0). */
export const apiFunction = new sst.aws.Function("ApiHandler", {
  description: "probemesh API",
  handler: "packages/functions/src/handlers/api.handler",
  runtime: FUNCTION_RUNTIME,
  architecture: FUNCTION_ARCHITECTURE,
  memory: "512 MB",
  timeout: "20 seconds",
  environment: {
    ...sharedEnvironment,
    PROBEMESH_PROBE_FUNCTIONS: probeFunctionsJson,
    PROBEMESH_SPOOL_QUEUES: spoolQueuesJson,
    PROBEMESH_API_TOKENS: apiTokens.value,
    PROBEMESH_AGENT_TOKENS: agentTokens.value,
  },
  copyFiles: profileFiles,
  link: alertSecrets,
  permissions: apiGrants(tableArns, probeFunctionArns, spoolQueueArns),
  logging,
});

const domain = settings.apiDomain;

/**
 * HTTP API (API Gateway v2). Optional custom domain: PROBEMESH_API_DOMAIN with a Route 53
 * zone, or with PROBEMESH_API_CERT_ARN when DNS is managed elsewhere.
 */
export const api = new sst.aws.ApiGatewayV2("Api", {
  ...(domain
    ? { domain: domain.certArn ? { name: domain.name, cert: domain.certArn, dns: false as const } : domain.name }
    : {}),
  cors: { allowMethods: ["GET", "POST"], allowHeaders: ["authorization", "content-type"] },
  accessLog: { retention: "1 month" },
});

api.route("POST /chatops/slack", chatops.arn);
api.route("$default", apiFunction.arn);
