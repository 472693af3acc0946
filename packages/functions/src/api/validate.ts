import { vValidator } from "@hono/valibot-validator";
import type { ValidationTargets } from "hono";
import * as v from "valibot";
import { BadRequest, UnsupportedMediaType } from "./errors/index.js";
import { withRequestSchema } from "./openapi/index.js";

/**
 * valibot validation for one request part; a failure throws BadRequest naming the field,
 * so every validation error has the same JSON shape. A JSON body must say so in its
 * Content-Type (else 415), rather than be validated as an empty object.
 */
export function validate<T extends v.GenericSchema, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  const validator = vValidator(target, schema, (result) => {
    if (!result.success) {
      const issue = result.issues[0];
      const path = issue ? v.getDotPath(issue) : null;
      const where = path ? `${target} ${path}` : target;
      throw new BadRequest(`${where}: ${issue?.message ?? "invalid"}`, "invalid_request");
    }
  });
  // The schema rides on the middleware, so /openapi.json lists what is validated.
  if (target !== "json") return withRequestSchema(validator, target, schema);
  const json = (async (c, next) => {
    const type = c.req.header("content-type");
    if (!type || !JSON_TYPE.test(type)) throw new UnsupportedMediaType(type);
    return validator(c, next);
  }) as typeof validator;
  return withRequestSchema(json, target, schema);
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * A calendar-true ISO-8601 date (2026-01-31) or timestamp with a zone (2026-01-31T12:00:00Z,
 * …+02:00): 2026-02-30, 24:00 or a zoneless time are refused instead of being rolled over or
 * read in the server's local time.
 */
export function isIsoTime(value: string): boolean {
  const m = ISO_TIME.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return false;
  if (m[4] === undefined) return true;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) return false;
  return m[8] === undefined || (Number(m[8]) <= 23 && Number(m[9]) <= 59);
}

/** An ISO-8601 date or timestamp (see isIsoTime). */
export const IsoTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.check(isIsoTime, "must be an ISO-8601 date or time with a zone, e.g. 2026-01-31 or 2026-01-31T12:00:00Z"),
  v.description("ISO-8601 date or time with a zone, e.g. 2026-01-31T12:00:00Z"),
);
