import * as dgram from "node:dgram";
import * as dns from "node:dns";
import * as net from "node:net";
import type { ConnectOptions, LookupFn, ProbeContext } from "./types.js";

/** Default per-probe budget when none is given. */
export const DEFAULT_TIMEOUT_MS = 5000;

/** The system resolver (getaddrinfo through `dns.promises.lookup`, all addresses). */
export const systemLookup: LookupFn = async (hostname) => {
  const answers = await dns.promises.lookup(hostname, { all: true, verbatim: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/** Fills node's defaults (system lookup, `net.connect`, `dgram.createSocket`) around what is given. */
export function defaultContext(partial: Partial<ProbeContext> = {}): ProbeContext {
  return {
    region: "local",
    checkId: "",
    timeoutMs: DEFAULT_TIMEOUT_MS,
    lookup: systemLookup,
    connect: defaultConnect,
    udpSocket: nodeUdpSocket,
    ...stripUndefined(partial),
  };
}

/**
 * dgram passes even IP literals (bind's 0.0.0.0, connect's peer) through `dns.lookup`, which answers them a
 * tick later; answer literals at once so binding and connecting a probe socket cost no extra turns.
 */
const literalFirstLookup = ((hostname: string, options: dns.LookupOptions | number, callback: (error: Error | null, address: string, family: number) => void) => {
  const family = net.isIP(hostname);
  if (family) callback(null, hostname, family);
  else dns.lookup(hostname, options as dns.LookupOptions, callback as never);
}) as unknown as typeof dns.lookup;

/** node's own `net.connect`, the default `ctx.connect` (a scan that sees it may use node's TCP handles directly). */
export const defaultConnect: ProbeContext["connect"] = Object.assign(
  ({ host, port, localAddress }: ConnectOptions) => net.connect(localAddress ? { host, port, localAddress } : { host, port }),
  { allows: () => true },
);
const nodeUdpSocket: ProbeContext["udpSocket"] = (type) => dgram.createSocket({ type, lookup: literalFirstLookup });

/** A lookup error with the code a prober maps to an outcome (ENOTFOUND, ETIMEOUT, …). */
export class LookupError extends Error {
  override name = "LookupError";
  constructor(
    readonly code: string,
    readonly hostname: string,
    readonly server?: string,
  ) {
    super(`${code} resolving ${hostname}${server ? ` via ${server}` : ""}`);
  }
}

export interface DnsLookupOptions {
  /** `ip`, `ip:port` or `[v6]:port` of the resolver, e.g. "127.0.0.1:5353". */
  server: string;
  /** Source address for the queries (the region's own address in the lab). */
  localAddress?: string;
  timeoutMs?: number;
}

/**
 * A `LookupFn` that asks one DNS server directly (node's `dns.Resolver`), A first, then AAAA only when
 * the name has no A record. NXDOMAIN rejects with code ENOTFOUND and a silent server with ETIMEOUT,
 * so probers report `dns_nxdomain` and `dns_timeout` distinctly.
 */
export function dnsLookup(options: DnsLookupOptions): LookupFn {
  const resolver = new dns.promises.Resolver({ timeout: options.timeoutMs ?? 2000, tries: 1 });
  resolver.setServers([options.server]);
  if (options.localAddress) {
    if (net.isIP(options.localAddress) === 6) resolver.setLocalAddress("0.0.0.0", options.localAddress);
    else resolver.setLocalAddress(options.localAddress);
  }
  return async (hostname) => {
    const literal = net.isIP(hostname);
    if (literal) return [{ address: hostname, family: literal === 6 ? 6 : 4 }];
    const v4 = await settle(resolver.resolve4(hostname));
    if (v4.ok && v4.value.length > 0) return v4.value.map((address) => ({ address, family: 4 as const }));
    if (!v4.ok && errorCode(v4.error) !== dns.NODATA) throw new LookupError(errorCode(v4.error), hostname, options.server);
    const v6 = await settle(resolver.resolve6(hostname));
    if (v6.ok && v6.value.length > 0) return v6.value.map((address) => ({ address, family: 6 as const }));
    // The name exists but has no address: the same answer getaddrinfo gives (ENOTFOUND), marked as NODATA.
    throw new LookupError(v6.ok ? dns.NODATA : errorCode(v6.error), hostname, options.server);
  };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await promise };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : "EDNS";
}

// A plain loop: `probe()` calls this once per probe.
function stripUndefined<T extends object>(value: T): Partial<T> {
  const defined: Partial<T> = {};
  for (const key in value) if (value[key] !== undefined) defined[key] = value[key];
  return defined;
}
