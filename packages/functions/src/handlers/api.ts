import type { Hono } from "hono";
import { handle } from "hono/aws-lambda";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { createApp } from "../api/index.js";
import { apiDepsFromEnv } from "../config/runtime.js";

/**
 * The API Lambda: the Hono app behind API Gateway HTTP API (payload v2) and Function URLs.
 * The only file that imports the AWS Lambda adapter.
 */

let lambdaHandler: ReturnType<typeof handle> | undefined;

/** Adapts any Hono app to Lambda events (exported for tests that bring their own app). */
export function lambdaHandlerFor(app: Hono): ReturnType<typeof handle> {
  return handle(app);
}

export async function handler(event: LambdaEvent, context: LambdaContext) {
  lambdaHandler ??= handle(createApp(await apiDepsFromEnv()));
  return lambdaHandler(event, context);
}
