import { setMaxListeners } from "node:events";
import type { Check } from "../check/index.js";
import { defaultContext, invalidTargetResult, probeTarget, withExpectation, type ProbeContext } from "../probers/index.js";
import type { Kind, Outcome, ProbeResult } from "../result/index.js";
import { InvalidTargetError, kindOfUri, parseTargetCached, type Target } from "../target/index.js";
import { DEFAULT_RETRIES, withRetries, type RetryOptions } from "./retry.js";

export { DEFAULT_RETRIES, isTransientFailure, MAX_RETRIES, retryBackoffMs, withRetries, type EarlierAttempt } from "./retry.js";

export interface RunChecksOptions {
  /** Shared probe context (lookup, connect, localAddress, ca, proxy…); `region` is required. */
  context: Partial<ProbeContext> & { region: string };
  /** Checks probed at the same time. */
  concurrency: number;
  /** Per-probe budget handed to every prober. */
  timeoutMs: number;
  /**
   * Budget of the whole run in ms from the call (a Lambda's remaining time minus a margin). When it
   * runs out, every unfinished check gets an `inconclusive` result marked `detail.deadline` instead of
   * being dropped, and running probes are aborted.
   */
  deadlineMs?: number;
  /** Retries of a probe that timed out or was reset, unless the check says (`check.retries`); default 1. */
  retries?: number;
  /** Backoff before each retry (tests); default `retryBackoffMs`. */
  retryBackoffMs?: (retry: number) => number;
  /** Called once per result as soon as it exists (progress lines, streaming writes). */
  onResult?: (result: ProbeResult) => void;
}

/** What a check cut off by the deadline reports: the kind's own "no answer in time" outcome. */
const DEADLINE_OUTCOME: Record<Kind, Outcome> = {
  tcp: "tcp_timeout",
  tls: "tcp_timeout",
  http: "http_timeout",
  dns: "dns_timeout",
  udp: "udp_no_reply",
  icmp: "unsupported",
};

/**
 * Probes `checks` with at most `concurrency` in flight and returns their results in check order
 * (a port range contributes several). `check.expect` overrides the target URI's own expectation.
 * Checks with the same target and expectation share one probe.
 */
export async function runChecks(checks: Check[], options: RunChecksOptions): Promise<ProbeResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  const abort = new AbortController();
  const outerSignal = options.context.signal;
  const signal = outerSignal ? AbortSignal.any([outerSignal, abort.signal]) : abort.signal;
  // Every in-flight probe listens on this one signal; hundreds of listeners are expected, not a leak.
  setMaxListeners(0, signal);
  const perCheck: (ProbeResult[] | undefined)[] = new Array(checks.length);
  const startedAt: (string | undefined)[] = new Array(checks.length);
  let cutOff = false;

  const settle = (index: number, results: ProbeResult[]) => {
    if (cutOff || perCheck[index]) return;
    perCheck[index] = results;
    for (const result of results) options.onResult?.(result);
  };

  // A host listed under several components (same URI, expectation and probe settings) is probed once
  // per run; every check that names it gets the results under its own id.
  const sharing = new Map<string, number[]>();
  checks.forEach((check, index) => {
    const key = `${check.expect ?? ""} ${check.retries ?? ""} ${check.certMinDays ?? ""} ${check.target}`;
    const members = sharing.get(key);
    if (members) members.push(index);
    else sharing.set(key, [index]);
  });
  const groups = [...sharing.values()];

  let next = 0;
  const worker = async () => {
    while (next < groups.length && !cutOff) {
      const members = groups[next++]!;
      const leader = checks[members[0]!]!;
      const at = new Date().toISOString();
      for (const index of members) startedAt[index] = at;
      const context = {
        ...options.context,
        checkId: leader.checkId,
        timeoutMs: options.timeoutMs,
        signal,
        ...(leader.certMinDays !== undefined ? { certMinDays: leader.certMinDays } : {}),
      };
      const retries = leader.retries ?? options.retries ?? DEFAULT_RETRIES;
      const results = await probeCheck(leader, context, { retries, signal, ...(options.retryBackoffMs ? { backoffMs: options.retryBackoffMs } : {}) });
      for (const index of members) settle(index, index === members[0] ? results : underCheckId(results, leader.checkId, checks[index]!.checkId));
    }
  };
  const everything = Promise.all(Array.from({ length: Math.min(concurrency, groups.length) }, worker));

  let timer: NodeJS.Timeout | undefined;
  const deadline = options.deadlineMs === undefined ? undefined : new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), Math.max(0, options.deadlineMs!));
  });
  const winner = await (deadline ? Promise.race([everything, deadline]) : everything);
  clearTimeout(timer);
  if (winner === "deadline") {
    abort.abort();
    // Nothing settled after this point: late results of aborted probes are ignored, not mixed in.
    const cutAt = new Date().toISOString();
    checks.forEach((check, index) => {
      if (!perCheck[index]) settle(index, [deadlineResult(check, options.context, startedAt[index], cutAt)]);
    });
    cutOff = true;
  }
  return perCheck.flatMap((results) => results ?? []);
}

/** The same results filed under another check: per-port ids (`<checkId>-<port>`) keep their suffix. */
function underCheckId(results: ProbeResult[], from: string, to: string): ProbeResult[] {
  return results.map((result) => ({ ...result, checkId: to + result.checkId.slice(from.length) }));
}

async function probeCheck(check: Check, context: Partial<ProbeContext>, retry: RetryOptions): Promise<ProbeResult[]> {
  const ctx = defaultContext(context);
  let target: Target;
  try {
    target = parseTargetCached(check.target);
  } catch (error) {
    if (!(error instanceof InvalidTargetError)) throw error;
    return [invalidTargetResult(check.target, ctx, error.message, check.expect)];
  }
  const expected = withExpectation(target, check.expect);
  // A port range is one scan with its own retransmissions, not one probe to repeat.
  const isRange = target.kind === "tcp" && target.portEnd !== undefined;
  if (isRange || retry.retries <= 0) return probeTarget(expected, ctx);
  return withRetries(() => probeTarget(expected, ctx), retry);
}

function deadlineResult(check: Check, context: RunChecksOptions["context"], startedAt: string | undefined, cutAt: string): ProbeResult {
  const kind = kindOfUri(check.target) ?? "tcp";
  const expect = check.expect ?? (/[?&]expect=blocked(?:&|$)/.test(check.target) ? "blocked" : undefined);
  return {
    checkId: check.checkId,
    target: check.target,
    kind,
    region: context.region,
    at: startedAt ?? cutAt,
    status: "inconclusive",
    outcome: DEADLINE_OUTCOME[kind],
    durationMs: startedAt ? Date.parse(cutAt) - Date.parse(startedAt) : 0,
    phases: {},
    detail: { deadline: true, started: startedAt !== undefined, reason: "the run's deadline passed before this check finished" },
    ...(context.localAddress ? { egressIp: context.localAddress } : {}),
    ...(expect ? { expect } : {}),
  };
}
