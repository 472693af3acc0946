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
  /** Retries inside a round of a probe that timed out or was reset (profile `retries`; engine default 1). */
  retries?: number;
  /** TLS/HTTPS: a leaf certificate expiring within this many days fails (profile `certMinDays`; default 14). */
  certMinDays?: number;
  /** Regions that must be down for `down` (profile or expectation `quorum`; default a majority). */
  quorum?: number;
  /** Alert on any failing region, or only once the quorum is down (profile or expectation `alertOn`). */
  alertOn?: AlertOn;
}

/** Most retries a check may ask for: each one can cost a whole probe timeout of the round. */
export const MAX_RETRIES = 5;

/** `any`: one failing region is the finding (egress validation); `quorum`: only a `down` verdict alerts. */
export type AlertOn = "any" | "quorum";

/**
 * A deterministic, URL-safe id for a check built from its identifying parts
 * (product, requirement, target…). Same parts → same id on every machine.
 */
export function checkIdOf(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 16);
}
