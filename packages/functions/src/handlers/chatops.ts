import { Hono } from "hono";
import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { appDepsOf } from "../api/deps.js";
import { noRouteHandler, onError } from "../api/errors/index.js";
import { runtimeFromEnv } from "../runtime/index.js";

/**
 * The Slack slash-command Lambda (infra/chatops.ts): only `POST /chatops/slack`, with the
 * same wiring and error shape as the API. It acks and starts the worker with InvocationType Event.
 */
let lambda: ReturnType<typeof handle> | undefined;

export async function handler(event: LambdaEvent, context: LambdaContext) {
  if (!lambda) {
    const { chatops } = appDepsOf(await runtimeFromEnv());
    const app = new Hono().onError(onError);
    app.notFound(noRouteHandler(() => app.routes));
    if (chatops) app.route("/chatops", chatops);
    lambda = handle(app);
  }
  return lambda(event, context);
}
