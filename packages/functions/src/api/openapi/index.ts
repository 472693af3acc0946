import { toJsonSchema } from "@valibot/to-json-schema";
import { Hono } from "hono";
import type * as v from "valibot";
import type { RouteDoc } from "../validate.js";

const ERROR_SCHEMA = {
  type: "object",
  required: ["error"],
  properties: {
    error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } },
  },
};

/** OpenAPI 3.1 document built from the same valibot schemas the routes validate with. */
export function openApiDocument(docs: RouteDoc[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const doc of docs) {
    const parameters = [...parametersOf(doc.params, "path"), ...parametersOf(doc.query, "query")];
    const responses = Object.fromEntries(
      Object.entries(doc.responses).map(([status, description]) => [
        status,
        Number(status) >= 400
          ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
          : { description, content: { [doc.produces ?? "application/json"]: {} } },
      ]),
    );
    (paths[doc.path] ??= {})[doc.method] = {
      summary: doc.summary,
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(doc.body ? { requestBody: { required: true, content: { "application/json": { schema: schemaOf(doc.body) } } } } : {}),
      ...(doc.auth ? { security: [{ bearer: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "probemesh", version: "0.1.0", description: "Per-region reachability of the endpoints vendors require." },
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA },
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}

function schemaOf(schema: v.GenericSchema): Record<string, unknown> {
  const { $schema: _ignored, ...json } = toJsonSchema(schema, { errorMode: "ignore" }) as Record<string, unknown>;
  return json;
}

function parametersOf(schema: v.GenericSchema | undefined, location: "path" | "query"): unknown[] {
  if (!schema) return [];
  const json = schemaOf(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === "path" || (json.required ?? []).includes(name),
    schema: property,
  }));
}

export function openApiRoutes(docs: RouteDoc[]): Hono {
  const document = openApiDocument(docs);
  return new Hono().get("/openapi.json", (c) => c.json(document));
}

export const openApiDocs: RouteDoc[] = [
  { method: "get", path: "/openapi.json", summary: "This document", responses: { 200: "OpenAPI 3.1" } },
];
