import { Hono } from "hono";
import { agentsDocs, agentsRoutes } from "./agents/index.js";
import { checksDocs, checksRoutes } from "./checks/index.js";
import { driftDocs, driftRoutes } from "./drift/index.js";
import type { AppDeps } from "./deps.js";
import { noRouteHandler, onError, Unavailable } from "./errors/index.js";
import { healthDocs, healthRoutes } from "./health/index.js";
import { incidentsDocs, incidentsRoutes } from "./incidents/index.js";
import { metricsDocs, metricsRoutes, RequestCounter } from "./metrics/index.js";
import { openApiDocs, openApiRoutes } from "./openapi/index.js";
import { overviewDocs, overviewRoutes } from "./overview/index.js";
import { probesDocs, probesRoutes } from "./probes/index.js";
import { regionsDocs, regionsRoutes } from "./regions/index.js";
import { roundsDocs, roundsRoutes } from "./rounds/index.js";
import { statusDocs, statusRoutes } from "./status/index.js";

/** Every documented route, in the order /openapi.json lists them. */
export const ROUTE_DOCS = [
  ...healthDocs,
  ...regionsDocs,
  ...checksDocs,
  ...statusDocs,
  ...incidentsDocs,
  ...overviewDocs,
  ...roundsDocs,
  ...driftDocs,
  ...probesDocs,
  ...agentsDocs,
  ...metricsDocs,
  ...openApiDocs,
];

/**
 * The probemesh HTTP API: the same app behind API Gateway / Function URLs
 * on AWS and behind node's HTTP server in the local mesh.
 */
export function createApp(deps: AppDeps): Hono {
  const requests = new RequestCounter();
  const app = new Hono();
  app.onError(onError);
  app.notFound(noRouteHandler(() => app.routes));
  app.use("*", requests.middleware());
  app.route("/", healthRoutes(deps));
  app.route("/", regionsRoutes(deps));
  app.route("/", checksRoutes(deps));
  app.route("/", statusRoutes(deps));
  app.route("/", incidentsRoutes(deps));
  app.route("/", overviewRoutes(deps));
  app.route("/", roundsRoutes(deps));
  app.route("/", driftRoutes(deps));
  app.route("/", probesRoutes(deps));
  app.route("/", agentsRoutes(deps.agents ?? { store: deps.store, tokens: {}, planFor: () => [], intervalS: 60 }));
  app.route("/", metricsRoutes(deps, requests));
  app.route("/", openApiRoutes(ROUTE_DOCS));
  if (deps.chatops) {
    app.route("/chatops", deps.chatops);
  } else {
    app.all("/chatops/*", () => {
      throw new Unavailable("chat-ops is not configured");
    });
  }
  return app;
}
