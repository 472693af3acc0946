import type { Check } from "@probemesh/core/check";
import type { Guard } from "@probemesh/core/guard";
import type { Store } from "@probemesh/core/store";
import type { Hono } from "hono";
import { chatopsRoutes } from "../chatops/index.js";
import type { ProbeInvocation } from "../invoke/payloads.js";
import { agentRegion } from "@probemesh/core/agent";
import type { Runtime } from "../runtime/index.js";
import type { AgentDeps } from "./agents/index.js";

/** Everything the API needs from the outside world; `appDepsOf` wires it from the composition root. */
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
  /** Scheduler interval: the dead man's switch trips after 3 of them without a round. */
  intervalS?: number;
  /** When this process started (the switch counts from it before the first round). */
  startedAt?: Date;
  /** Names of the alert destinations, and destinations that cannot be used (secret not set). */
  alertDestinations?: string[];
  alertProblems?: string[];
  /** Result batches waiting in each region's spool (the store was unavailable). */
  spoolDepth?: () => Promise<Record<string, number>>;
  now?: () => Date;
  /** Chat-ops sub-app, mounted at /chatops. */
  chatops?: Hono;
  /** Regions verdicts are read over: the probe regions plus agent locations (default `regions`). */
  verdictRegions?: string[];
  /** Agent routes (plan, results, heartbeat); unset = agents refused. */
  agents?: AgentDeps;
}

/** The regions every reader shows (verdicts, /v1/regions, /metrics, the page): probe regions and agent locations. */
export function shownRegions(deps: Pick<AppDeps, "regions" | "verdictRegions">): string[] {
  return deps.verdictRegions ?? deps.regions;
}

/** The API's dependencies from the composition root (chat-ops mounted at /chatops). */
export function appDepsOf(runtime: Runtime): AppDeps {
  const { settings, store, guard } = runtime;
  const checks = () => runtime.checks();
  const planProduct = (product: string, geo?: string) => runtime.planProduct(product, geo);
  return {
    store,
    regions: settings.regions,
    apiTokens: settings.apiTokens,
    checks,
    planProduct,
    dispatchProbe: (invocation) => runtime.invoker.dispatch(invocation),
    guard,
    staleAfterMs: runtime.staleAfterMs,
    intervalS: settings.intervalS,
    startedAt: runtime.startedAt,
    alertDestinations: runtime.alert.destinations.map((d) => d.name),
    alertProblems: runtime.alertProblems,
    spoolDepth: () => runtime.spoolDepth(),
    ...(settings.quorum !== undefined ? { quorum: settings.quorum } : {}),
    verdictRegions: runtime.verdictScope.regions,
    agents: {
      store,
      tokens: settings.agentTokens,
      planFor: (location) => runtime.planFor(location),
      intervalS: settings.intervalS,
      intervalOf: (location) => runtime.profile?.locations?.[location]?.intervalS,
      // In the lab an agent needs the lab's DNS and port map: its hosts exist nowhere else.
      planExtras: (location) => {
        const lab = runtime.labNetworkOf(agentRegion(location));
        return lab ? { lab } : undefined;
      },
    },
    chatops: chatopsRoutes({
      ...(settings.slackSigningSecret ? { signingSecret: settings.slackSigningSecret } : {}),
      store,
      regions: settings.regions,
      verdictRegions: runtime.verdictScope.regions,
      guard,
      planProduct,
      checks,
      dispatch: (job) => runtime.dispatchChatopsJob(job),
      webhookPolicy: { allowedHosts: settings.webhookHosts },
      staleAfterMs: runtime.staleAfterMs,
    }),
  };
}
