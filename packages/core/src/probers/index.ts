import type { Expectation, Kind, ProbeResult } from "../result/index.js";
import { fansOut, probeEveryAddress } from "./addresses.js";
import { InvalidTargetError, kindOfUri, parseTargetCached, type Target } from "../target/index.js";
import { defaultContext } from "./context.js";
import { probeDns } from "./dns.js";
import { probeHttp } from "./http.js";
import { probeIcmp } from "./icmp.js";
import { probeTcp } from "./tcp.js";
import { probeTls } from "./tls.js";
import type { ProbeContext, Prober } from "./types.js";
import { probeUdp } from "./udp.js";

export type { LookupFn, ProbeContext, Prober } from "./types.js";
export { defaultContext, dnsLookup, LookupError, systemLookup, DEFAULT_TIMEOUT_MS, type DnsLookupOptions } from "./context.js";
export { statusFor } from "./common.js";
export { DEFAULT_RANGE_CONCURRENCY } from "./tcp.js";
export { configureTlsPool, defaultTlsWorkers, TLS_POOL_CHANNEL } from "./tls-pool.js";

/** One prober per kind, all behind the same `Prober` type. */
export const probers: Record<Kind, Prober> = {
  tcp: probeTcp,
  tls: probeTls,
  http: probeHttp,
  dns: probeDns,
  udp: probeUdp,
  icmp: probeIcmp,
};

/**
 * Parses `uri` and probes it. A malformed URI is not thrown: it yields one `invalid_target` result
 * (status fail) whose `detail.error` is the one-line reason. `expect` overrides the URI's own.
 */
export function probe(uri: string, ctx: Partial<ProbeContext>, options: { expect?: Expectation } = {}): Promise<ProbeResult[]> {
  const context = defaultContext(ctx);
  let target: Target;
  try {
    target = parseTargetCached(uri);
  } catch (error) {
    if (!(error instanceof InvalidTargetError)) return Promise.reject(error);
    return Promise.resolve([invalidTargetResult(uri, context, error.message, options.expect)]);
  }
  // Not async: handing back the prober's own promise saves the extra turns an async wrapper costs per probe.
  return probeTarget(withExpectation(target, options.expect), context);
}

/** The target with `expect` (when given) in place of the URI's own; the original is left as it is. */
export function withExpectation(target: Target, expect: Expectation | undefined): Target {
  if (expect === "blocked") return target.expect === "blocked" ? target : { ...target, expect: "blocked" };
  if (expect === "reachable" && target.expect !== undefined) return withoutExpect(target);
  return target;
}

/** Probes an already parsed target with the prober of its kind, at every address of its host name (addresses.ts). */
export function probeTarget(target: Target, ctx: ProbeContext): Promise<ProbeResult[]> {
  const prober = probers[target.kind];
  return fansOut(target, ctx) ? probeEveryAddress(target, ctx, prober) : prober(target, ctx);
}

/** The result for a URI that could not be parsed. */
export function invalidTargetResult(uri: string, ctx: Pick<ProbeContext, "region" | "checkId" | "now">, message: string, expect?: Expectation): ProbeResult {
  return {
    checkId: ctx.checkId,
    target: uri,
    kind: kindOfUri(uri) ?? "tcp",
    region: ctx.region,
    at: (ctx.now?.() ?? new Date()).toISOString(),
    status: "fail",
    outcome: "invalid_target",
    durationMs: 0,
    phases: {},
    detail: { error: message },
    ...(expect ? { expect } : {}),
  };
}

function withoutExpect(target: Target): Target {
  const copy = { ...target };
  delete copy.expect;
  return copy;
}
