import { Hono } from "hono";
import type { LambdaContext, LambdaEvent } from "hono/aws-lambda";
import { notFoundRoute, onError } from "../api/errors/index.js";
import { apiDepsFromEnv } from "../config/runtime.js";
import { lambdaHandlerFor } from "./api.js";

/**
 * The Slack slash-command Lambda (infra/chatops.ts): only `POST /chatops/slack`, with the
 * same wiring and error shape as the API. It acks and starts the worker with InvocationType Event.
 */

let lambdaHandler: ReturnType<typeof lambdaHandlerFor> | undefined;

export async function handler(event: LambdaEvent, context: LambdaContext) {
  if (!lambdaHandler) {
    const { chatops } = await apiDepsFromEnv();
    const app = new Hono();
    app.onError(onError);
    app.notFound(notFoundRoute);
    if (chatops) app.route("/chatops", chatops);
    lambdaHandler = lambdaHandlerFor(app);
  }
  return lambdaHandler(event, context);
}
