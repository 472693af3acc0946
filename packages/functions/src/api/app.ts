import { Hono } from "hono";
import { agentsRoutes } from "./agents/index.js";
import { chatopsMount } from "./chatops/index.js";
import { checksRoutes } from "./checks/index.js";
import { driftRoutes } from "./drift/index.js";
import type { AppDeps } from "./deps.js";
import { noRouteHandler, onError } from "./errors/index.js";
import { healthRoutes } from "./health/index.js";
import { incidentsRoutes } from "./incidents/index.js";
import { metricsRoutes, RequestCounter } from "./metrics/index.js";
import { openApiRoutes } from "./openapi/index.js";
import { overviewRoutes } from "./overview/index.js";
import { probesRoutes } from "./probes/index.js";
import { regionsRoutes } from "./regions/index.js";
import { roundsRoutes } from "./rounds/index.js";
import { statusRoutes } from "./status/index.js";

/**
 * The probemesh HTTP API: the same app behind API Gateway / Function URLs
 * on AWS and behind node's HTTP server in the local mesh. The routes are chained so
 * `AppType` carries every route's request and response types (the page's `hc<AppType>`),
 * and /openapi.json is generated from the same routes.
 */
export function createApp(deps: AppDeps) {
  const requests = new RequestCounter();
  // /openapi.json is generated from the finished app, on its first request.
  let self: Hono | undefined;
  const app = new Hono()
    .use("*", requests.middleware())
    .route("/", healthRoutes(deps))
    .route("/", regionsRoutes(deps))
    .route("/", checksRoutes(deps))
    .route("/", statusRoutes(deps))
    .route("/", incidentsRoutes(deps))
    .route("/", overviewRoutes(deps))
    .route("/", roundsRoutes(deps))
    .route("/", driftRoutes(deps))
    .route("/", probesRoutes(deps))
    .route("/", agentsRoutes(deps.agents ?? { store: deps.store, tokens: {}, planFor: () => [], intervalS: 60 }))
    .route("/", metricsRoutes(deps, requests))
    .route("/", openApiRoutes(() => self!))
    .route("/", chatopsMount(deps.chatops));
  self = app as unknown as Hono;
  app.onError(onError);
  app.notFound(noRouteHandler(() => app.routes));
  return app;
}

/** The API's type, for typed clients (`hc<AppType>` from hono/client): import it with `import type`. */
export type AppType = ReturnType<typeof createApp>;
