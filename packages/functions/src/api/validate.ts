import { vValidator } from "@hono/valibot-validator";
import type { ValidationTargets } from "hono";
import * as v from "valibot";
import { BadRequest } from "./errors/index.js";

/**
 * valibot validation for one request part; a failure throws BadRequest naming the field,
 * so every validation error has the same JSON shape.
 */
export function validate<T extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return vValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue ? v.getDotPath(issue) : null;
      const where = path ? `${target} ${path}` : target;
      throw new BadRequest(`${where}: ${issue?.message ?? "invalid"}`, "invalid_request");
    }
  });
}

/** An ISO-8601 date or timestamp. */
export const IsoTime = v.pipe(
  v.string(),
  v.check((value) => /^\d{4}-\d{2}-\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), "must be an ISO-8601 time"),
  v.description("ISO-8601 time, e.g. 2026-01-31T12:00:00Z"),
);

/** One documented route, for /openapi.json. */
export interface RouteDoc {
  method: "get" | "post";
  /** OpenAPI path, e.g. `/v1/checks/{id}/history`. */
  path: string;
  summary: string;
  params?: v.GenericSchema;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  /** Bearer token required. */
  auth?: boolean;
  responses: Record<number, string>;
  /** Response content type when not JSON. */
  produces?: string;
}
