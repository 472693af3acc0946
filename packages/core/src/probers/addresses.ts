import type { ProbeResult, Status } from "../result/index.js";
import type { Target } from "../target/index.js";
import { Clock, failureResult, literalAddress, resolveAddresses } from "./common.js";
import type { ProbeContext, Prober } from "./types.js";

/** Kinds whose probe of a host name is one probe per resolved address. */
const FAN_OUT_KINDS = new Set<Target["kind"]>(["tcp", "tls", "http", "udp"]);
/** Worst first: the status a fanned-out result takes is the worst of its addresses'. */
const SEVERITY: Record<Status, number> = { fail: 2, inconclusive: 1, pass: 0 };

/** Whether `target` is probed at every address its name resolves to. */
export function fansOut(target: Target, ctx: ProbeContext): boolean {
  if (!FAN_OUT_KINDS.has(target.kind) || target.addresses === "first" || ctx.proxy) return false;
  if (target.kind === "tcp" && target.portEnd !== undefined) return false;
  return "host" in target && !literalAddress(target.host);
}

/**
 * Resolves the target's name once and probes every address of the answer at the same time (the prober gets
 * that one address pinned in its context: no second lookup, no second budget timer). One result: the worst
 * address's, with `phases.dnsMs` of the real lookup, `durationMs` of the whole fan-out and `detail.addresses`
 * naming each address with its own status, outcome and timings. It fails when any address fails: an
 * allow-list that misses one address breaks the share of connections that land there.
 */
export async function probeEveryAddress(target: Target, ctx: ProbeContext, prober: Prober): Promise<ProbeResult[]> {
  const clock = new Clock(ctx);
  const host = (target as { host: string }).host;
  let answers: Awaited<ReturnType<typeof resolveAddresses>>;
  try {
    answers = await resolveAddresses(host, ctx, clock);
  } catch (error) {
    return [failureResult(error, target, ctx, clock)];
  }
  const perAddress = await Promise.all(answers.addresses.map(async ({ address, family }) => {
    const [result] = await prober(target, { ...ctx, pinned: { host, address, family }, timeoutMs: clock.remaining() });
    return result!;
  }));
  let worst = perAddress[0]!;
  for (const result of perAddress) if (SEVERITY[result.status] > SEVERITY[worst.status]) worst = result;
  const phases = { ...worst.phases, ...(answers.dnsMs === undefined ? {} : { dnsMs: answers.dnsMs }) };
  if (perAddress.length === 1) return [{ ...worst, phases }];
  return [{
    ...worst,
    durationMs: clock.elapsed(),
    phases,
    detail: { ...worst.detail, addresses: perAddress.map(addressEntry) },
  }];
}

function addressEntry(result: ProbeResult): Record<string, unknown> {
  const { dnsMs: _lookedUpOnce, ...phases } = result.phases;
  const errno = result.detail?.errno;
  return {
    address: result.remoteAddress,
    status: result.status,
    outcome: result.outcome,
    durationMs: result.durationMs,
    phases,
    ...(typeof errno === "string" ? { errno } : {}),
  };
}
