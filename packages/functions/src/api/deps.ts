import type { Check } from "@probemesh/core/check";
import type { Guard } from "@probemesh/core/guard";
import type { Store } from "@probemesh/core/store";
import type { Hono, MiddlewareHandler } from "hono";
import type { ProbeInvocation } from "../invoke/payloads.js";

/** Everything the API needs from the outside world; handlers/api.ts and the mesh wire it. */
export interface AppDeps {
  store: Store;
  /** Probe regions that count for status and on-demand probes. */
  regions: string[];
  /** Bearer tokens allowed to write; empty = writes refused. */
  apiTokens: string[];
  /** The checks the schedule probes (plan of the profile), to label what the store holds. */
  checks(): Check[] | Promise<Check[]>;
  /** Expands a product (and vendor geo) into checks; throws on an unknown product or geo. */
  planProduct(product: string, geo?: string): Check[] | Promise<Check[]>;
  /** Sends an on-demand probe to one region's probe function (InvocationType Event). */
  dispatchProbe(invocation: ProbeInvocation): Promise<void>;
  /** SSRF guard for on-demand targets (production: DEFAULT_POLICY; the lab: LAB_POLICY). */
  guard: Guard;
  /** A region without a heartbeat this recent is stale. */
  staleAfterMs: number;
  /** Failing regions that make a check `down` (default: majority). */
  quorum?: number;
  /** On-demand probes allowed per token per minute (default 30). */
  probesPerMinute?: number;
  /** Largest accepted request body (default 64 KiB). */
  bodyLimitBytes?: number;
  now?: () => Date;
  /** Chat-ops sub-app, mounted at /chatops. */
  chatops?: Hono;
  /** Serves the status page for GET requests outside the API (local mesh). */
  web?: MiddlewareHandler;
}
