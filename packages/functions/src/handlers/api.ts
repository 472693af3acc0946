import { handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";
import { createApp } from "../api/index.js";
import { appDepsOf } from "../api/deps.js";
import { runtimeFromEnv, type Runtime } from "../runtime/index.js";

/**
 * The API Lambda: the Hono app behind API Gateway HTTP API (payload v2) and Function URLs.
 * The local mesh calls `apiHandlerFor(its runtime)` through its local gateway, as Lambda would.
 */
export function apiHandlerFor(runtime: () => Promise<Runtime>) {
  let lambda: ReturnType<typeof handle> | undefined;
  return async (event: LambdaEvent, context: LambdaContext) => {
    lambda ??= handle(createApp(appDepsOf(await runtime())));
    return lambda(event, context);
  };
}

export const handler = apiHandlerFor(runtimeFromEnv);
