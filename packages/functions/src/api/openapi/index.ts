import { Hono, type MiddlewareHandler } from "hono";
import { describeRoute, generateSpecs, resolver, uniqueSymbol } from "hono-openapi";
import * as v from "valibot";
import type { ErrorStatus } from "../errors/index.js";

/** The one error shape every 4xx/5xx answer has (api/errors `onError`), a component of the document. */
export const ErrorBody = v.pipe(
  v.strictObject({
    error: v.strictObject({
      code: v.pipe(v.string(), v.description("Stable machine-readable code, e.g. invalid_request, unauthorized, rate_limited")),
      message: v.pipe(v.string(), v.description("What went wrong, for a person")),
    }),
  }),
  v.description("An error: `{ error: { code, message } }`"),
  v.metadata({ ref: "Error" }),
);

/** OpenAPI 3.1 schemas are JSON Schema 2020-12 (tuples as prefixItems, not draft-07's items array). */
const JSON_SCHEMA = { options: { target: "draft-2020-12" } };

/** The security schemes the document declares; `public` routes need none. */
export type Security = "public" | "apiToken" | "agentToken" | "slackSignature";

/** The tags routes are grouped by, with their descriptions. */
const TAGS = {
  health: "Liveness and health of the deployment",
  read: "What the probes found: checks, verdicts, history, incidents",
  probes: "On-demand probes (API token)",
  agents: "Agent locations (`probemesh agent`, agent token of the location)",
  chatops: "Slack slash command",
  meta: "The API's own description and metrics",
} as const;
export type Tag = keyof typeof TAGS;

const DEFAULT_ERRORS: Partial<Record<ErrorStatus | 431, string>> = {
  400: "Invalid request (the field is named in the message)",
  401: "Missing or unknown bearer token",
  403: "Refused",
  404: "Not found",
  413: "Request body too large",
  415: "The body is not application/json",
  429: "Rate limited (see Retry-After)",
  503: "A dependency (the results store) is unreachable; try again shortly",
};

/** What `documented()` needs to describe one operation. */
export interface RouteSpec {
  operationId: string;
  summary: string;
  description?: string;
  tag: Tag;
  security: Security;
  /** The success answer: status, description and the valibot schema of its body. */
  ok: { status: 200 | 202; description: string; schema: v.GenericSchema; media?: string };
  /** Error statuses the route answers (in the error shape), with descriptions or `true` for the default one. */
  errors?: Partial<Record<ErrorStatus, string | true>>;
  /** Non-2xx answers whose body is not the error shape (e.g. /healthz's 503). */
  other?: Record<number, { description: string; schema: v.GenericSchema }>;
  /** Request parameters not read through `validate()` (e.g. Slack's headers). */
  parameters?: Array<{ name: string; in: "header" | "query"; required: boolean; description: string }>;
  /** A request body not validated by `validate()` (e.g. Slack's form post). */
  requestBody?: { media: string; description: string; schema: v.GenericSchema };
}

const SECURITY: Record<Security, Array<Record<string, string[]>>> = {
  public: [],
  apiToken: [{ apiToken: [] }],
  agentToken: [{ agentToken: [] }],
  slackSignature: [{ slackSignature: [] }],
};

/** `describeRoute` for one operation: responses resolved from valibot, errors referencing the one error schema. */
export function documented(spec: RouteSpec): MiddlewareHandler {
  const content = (media: string, schema: v.GenericSchema) => ({ [media]: { schema: resolver(schema, JSON_SCHEMA) } });
  const responses: Record<string, { description: string; content: ReturnType<typeof content> }> = {
    [spec.ok.status]: { description: spec.ok.description, content: content(spec.ok.media ?? "application/json", spec.ok.schema) },
  };
  for (const [status, text] of Object.entries(spec.errors ?? {})) {
    const description = text === true ? DEFAULT_ERRORS[Number(status) as ErrorStatus] ?? "Error" : (text as string);
    responses[status] = { description, content: content("application/json", ErrorBody) };
  }
  // Any request can be refused before it reaches a route: headers over the HTTP front's limit
  // (the local mesh's gateway answers 431 in the error shape and closes the connection).
  responses["431"] ??= { description: "Request headers too large (16 KiB in the local mesh); the connection closes", content: content("application/json", ErrorBody) };
  for (const [status, other] of Object.entries(spec.other ?? {})) {
    responses[status] = { description: other.description, content: content("application/json", other.schema) };
  }
  return describeRoute({
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: [spec.tag],
    security: SECURITY[spec.security],
    ...(spec.parameters ? { parameters: spec.parameters.map((p) => ({ ...p, schema: { type: "string" as const } })) } : {}),
    ...(spec.requestBody
      ? { requestBody: { required: true, description: spec.requestBody.description, content: content(spec.requestBody.media, spec.requestBody.schema) } }
      : {}),
    responses,
  });
}

/**
 * Marks a validator middleware with its schema, as hono-openapi's own `validator()` does, so
 * the document lists the request part (parameters or body) it validates.
 */
export function withRequestSchema<M extends object>(middleware: M, target: string, schema: v.GenericSchema): M {
  return Object.assign(middleware, { [uniqueSymbol]: { target, ...resolver(schema, JSON_SCHEMA) } });
}

const DOCUMENTATION = {
  info: {
    title: "probemesh",
    version: "0.1.0",
    description: "Per-region reachability of the endpoints vendors require: checks, verdicts, history, incidents, on-demand probes and agents.",
  },
  servers: [
    { url: "/", description: "The API that served this document" },
    { url: "http://127.0.0.1:8787", description: "The local mesh (`npm start`)" },
  ],
  tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
  components: {
    securitySchemes: {
      apiToken: { type: "http" as const, scheme: "bearer", description: "An API token (PROBEMESH_API_TOKENS): on-demand probes" },
      agentToken: { type: "http" as const, scheme: "bearer", description: "The agent token of the path's location (PROBEMESH_AGENT_TOKENS)" },
      slackSignature: {
        type: "apiKey" as const,
        in: "header",
        name: "X-Slack-Signature",
        description: "Slack's v0 HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{body}` with the signing secret (SLACK_SIGNING_SECRET)",
      },
    },
  },
};

/** The OpenAPI 3.1 document of `app`, generated from the routes' `documented()` and `validate()` middleware. */
export function openApiDocument(app: Hono<any, any, any>): Promise<Record<string, unknown>> {
  return generateSpecs(app, {
    documentation: DOCUMENTATION,
    // /openapi.json looks like a static file to hono-openapi; every route is listed.
    excludeStaticFile: false,
    // Validation errors are documented per route in the one error shape.
    defaultValidationErrorResponse: false,
  }) as Promise<Record<string, unknown>>;
}

/** Any JSON object: the document's own schema is OpenAPI 3.1's. */
const OpenApiBody = v.pipe(v.looseObject({ openapi: v.string() }), v.description("An OpenAPI 3.1 document"));

/** `GET /openapi.json`, generated once from `app()` (the app is complete when the first request comes). */
export function openApiRoutes(app: () => Hono<any, any, any>) {
  let document: Promise<Record<string, unknown>> | undefined;
  return new Hono().get(
    "/openapi.json",
    documented({
      operationId: "getOpenApi",
      summary: "This document: OpenAPI 3.1 generated from the routes",
      tag: "meta",
      security: "public",
      ok: { status: 200, description: "OpenAPI 3.1", schema: OpenApiBody },
    }),
    async (c) => {
      if (!document) {
        document = openApiDocument(app());
        // A failed generation is not served again.
        document.catch(() => (document = undefined));
      }
      return c.json(await document);
    },
  );
}
