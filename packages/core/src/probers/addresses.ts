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
  const { routed, unrouted } = await routedHere(answers.addresses, (target as { port: number }).port, ctx);
  const perAddress = await Promise.all(routed.map(async ({ address, family }) => {
    const [result] = await prober(target, { ...ctx, pinned: { host, address, family }, timeoutMs: clock.remaining() });
    return result!;
  }));
  let worst = perAddress[0]!;
  for (const result of perAddress) if (SEVERITY[result.status] > SEVERITY[worst.status]) worst = result;
  const phases = { ...worst.phases, ...(answers.dnsMs === undefined ? {} : { dnsMs: answers.dnsMs }) };
  const unroutedAddresses = unrouted.length ? { unroutedAddresses: unrouted.map(({ address }) => address) } : {};
  if (perAddress.length === 1) return [{ ...worst, phases, ...(unrouted.length ? { detail: { ...worst.detail, ...unroutedAddresses } } : {}) }];
  return [{
    ...worst,
    durationMs: clock.elapsed(),
    phases,
    detail: { ...worst.detail, addresses: perAddress.map(addressEntry), ...unroutedAddresses },
  }];
}

type Answer = { address: string; family: 4 | 6 };

/**
 * The answer's addresses this host has a route to, when the answer has both families. A client on an IPv4-only
 * network (a Lambda outside a VPC, many data centres) never uses a name's AAAA answers, so they are not its
 * reachability; probing them would fail every dual-stack name with ENETUNREACH. The test is a UDP connect, which
 * only asks the kernel for a route and sends nothing. Only "no route at all" drops an address: an unreachable or
 * prohibit route, or a family the answer has alone, is probed and fails as it should.
 */
async function routedHere(addresses: Answer[], port: number, ctx: ProbeContext): Promise<{ routed: Answer[]; unrouted: Answer[] }> {
  if (new Set(addresses.map(({ family }) => family)).size < 2) return { routed: addresses, unrouted: [] };
  const routes = await Promise.all(addresses.map((answer) => hasRoute(answer, port, ctx)));
  const routed = addresses.filter((_, i) => routes[i]);
  // Nothing routed at all is this host's problem to report, not a reason to probe nothing.
  if (routed.length === 0) return { routed: addresses, unrouted: [] };
  return { routed, unrouted: addresses.filter((_, i) => !routes[i]) };
}

// The target's own port: the SSRF guard (a wrapped udpSocket) has allowed it and every address of the answer.
function hasRoute({ address, family }: Answer, port: number, ctx: ProbeContext): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: ReturnType<ProbeContext["udpSocket"]>;
    try {
      socket = ctx.udpSocket(family === 6 ? "udp6" : "udp4");
    } catch {
      return resolve(true);
    }
    let settled = false;
    const done = (error?: Error & { code?: string }) => {
      if (settled) return;
      settled = true;
      socket.close();
      resolve(error?.code !== "ENETUNREACH");
    };
    socket.once("error", done);
    try {
      // node hands a failed connect to the callback (typed without it), not to 'error'.
      socket.connect(port, address, ((error?: Error) => done(error)) as () => void);
    } catch (error) {
      done(error as Error);
    }
  });
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
