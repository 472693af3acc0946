import type { Check } from "@probemesh/core/check";
import { FUNCTION_SIZES } from "@probemesh/core/cost";
import { shardOf } from "@probemesh/core/store";

/**
 * How a region's plan is split into probe invocations: by time, not by a fixed count. Each
 * check is costed from its kind (and port count for a range), an invocation takes checks until
 * its estimated wall time — the checks' total time spread over the invocation's concurrency —
 * reaches half its budget (a single check longer than the deadline is cut by the deadline
 * wherever it runs), and never more than
 * `maxChecks` (its payload stays far below Lambda's 6 MB). Checks are grouped by the store
 * shard their state lives in, so concurrent invocations of one region write different state
 * items and do not contend for one.
 */

/** Typical duration of one probe per kind against a reachable target on a real network (ms). */
export const EXPECTED_MS: Record<string, number> = {
  tcp: 40,
  tls: 120,
  https: 200,
  http: 150,
  dns: 40,
  icmp: 40,
};

export interface ShardPlanOptions {
  /** The invocation's budget (the round deadline). */
  budgetMs: number;
  /** Checks in flight per invocation (PROBEMESH_PROBE_CONCURRENCY). */
  concurrency: number;
  /** Budget of one probe (PROBEMESH_PROBE_TIMEOUT_MS): a silent UDP target costs this much. */
  timeoutMs: number;
  /** The store's state shards (checks of one store shard stay in one invocation when they fit). */
  storeShards: number;
  /** Largest plan of one invocation (default 2,000 checks, about 600 KB of payload). */
  maxChecks?: number;
  /** Share of the budget the estimate may fill (default 0.5: room for slower networks). */
  fill?: number;
}

/** Estimated wall time of one check's probe, in ms. */
export function estimateMs(check: Pick<Check, "target">, timeoutMs: number, rangeConcurrency = 200): number {
  const kind = /^([a-z]+):/.exec(check.target)?.[1] ?? "tcp";
  // A silent UDP port waits for its whole timeout: that is the honest cost of one.
  if (kind === "udp") return timeoutMs;
  const range = /^tcp:\/\/[^/?]+:(\d+)-(\d+)/.exec(check.target);
  if (range) {
    const ports = Number(range[2]) - Number(range[1]) + 1;
    return Math.ceil(ports / rangeConcurrency) * EXPECTED_MS.tcp! + timeoutMs;
  }
  return Math.min(EXPECTED_MS[kind] ?? EXPECTED_MS.tcp!, timeoutMs);
}

/** Splits `checks` into invocation plans (each a list of checks). */
export function planShards(checks: readonly Check[], options: ShardPlanOptions): Check[][] {
  const maxChecks = options.maxChecks ?? FUNCTION_SIZES.probe.maxChecks;
  const capacityMs = options.budgetMs * (options.fill ?? 0.5);
  const costOf = (totalMs: number) => totalMs / options.concurrency;
  const groups = new Map<number, Check[]>();
  for (const check of checks) {
    const shard = shardOf(check.checkId, options.storeShards);
    const group = groups.get(shard);
    if (group) group.push(check);
    else groups.set(shard, [check]);
  }
  const plans: Check[][] = [];
  let current: Check[] = [];
  let currentMs = 0;
  const flush = () => {
    if (current.length > 0) plans.push(current);
    current = [];
    currentMs = 0;
  };
  for (const [, members] of [...groups].sort(([a], [b]) => a - b)) {
    const groupMs = members.reduce((sum, check) => sum + estimateMs(check, options.timeoutMs), 0);
    // A store shard that fits a fresh invocation but not this one starts the next.
    if (current.length > 0 && (current.length + members.length > maxChecks || costOf(currentMs + groupMs) > capacityMs)) flush();
    for (const check of members) {
      const ms = estimateMs(check, options.timeoutMs);
      if (current.length > 0 && (current.length >= maxChecks || costOf(currentMs + ms) > capacityMs)) flush();
      current.push(check);
      currentMs += ms;
    }
  }
  flush();
  return plans;
}
