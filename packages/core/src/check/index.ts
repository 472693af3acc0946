import { createHash } from "node:crypto";
import type { Expectation } from "../result/index.js";

/** Requirement level as the vendor page states it. */
export type Level = "required" | "optional" | "conditional";

/**
 * A concrete, probe-ready check: what `plan` produces from profile × catalog and
 * what the scheduler fans out to the region workers.
 */
export interface Check {
  /** Stable id, URL-safe: used in DynamoDB keys and API paths. */
  checkId: string;
  /** Target URI. */
  target: string;
  expect?: Expectation;
  /** Human label, e.g. "Kong Konnect / data plane → control plane (cp0)". */
  label?: string;
  product?: string;
  component?: string;
  level?: Level;
  condition?: string;
}

/**
 * A deterministic, URL-safe id for a check built from its identifying parts
 * (product, requirement, target…). Same parts → same id on every machine.
 */
export function checkIdOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 16);
}
