/**
 * Target URIs (tcp, tls, http(s), dns, udp, icmp; the README lists them): `parseTarget` checks one and gives the
 * typed target, `formatTarget` (format.ts) the canonical URI back. The types are in types.ts, the URI's pieces are
 * checked in params.ts.
 */
import type { Expectation, Kind } from "../result/index.js";
import { Params, splitAuthority, takeTlsOptions, toHostName, toPort, type Fail } from "./params.js";
import { DEFAULT_STATUS, DNS_RECORD_TYPES, type DnsRecordType, type DnsTarget, type HttpTarget, type Target } from "./types.js";

export { bracketHost, formatTarget, hostPort } from "./format.js";
export { MAX_CERT_MIN_DAYS } from "./params.js";
export * from "./types.js";

/** The URI is not a valid target; `message` is one line meant for people. */
export class InvalidTargetError extends Error {
  override name = "InvalidTargetError";
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`invalid target ${JSON.stringify(truncate(uri))}: ${reason}`);
  }
}

const MAX_URI_LENGTH = 2048;
const URI_SHAPE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/;

/** A URI taken apart: what each scheme's parser reads. */
interface Parts {
  scheme: string;
  authority: string;
  path: string;
  params: Params;
  fail: Fail;
}

/** Parses a target URI; throws `InvalidTargetError` with a one-line reason. */
export function parseTarget(uri: string): Target {
  const fail = (reason: string): never => {
    throw new InvalidTargetError(uri, reason);
  };
  if (typeof uri !== "string" || uri.trim() === "") fail("empty target");
  if (uri.length > MAX_URI_LENGTH) fail(`longer than ${MAX_URI_LENGTH} characters`);
  const match = URI_SHAPE.exec(uri.trim());
  if (!match) fail("expected scheme://host[:port][/path][?query], e.g. tcp://example.com:443");
  const [, rawScheme = "", authority = "", path = "", query] = match!;
  const scheme = rawScheme.toLowerCase();
  const params = new Params(query, fail);
  const expect = params.expectation();
  const addresses = params.take("addresses");
  if (addresses !== undefined && addresses !== "first" && addresses !== "all") fail(`addresses must be first or all, not ${JSON.stringify(addresses)}`);
  const parse = Object.hasOwn(PARSERS, scheme) ? PARSERS[scheme as keyof typeof PARSERS] : undefined;
  if (!parse) return fail(`unknown scheme ${scheme}: (use tcp, tls, http, https, dns, udp or icmp)`);
  const target = parse({ scheme, authority, path, params, fail });
  // http passes the parameters it does not know on to the server; every other scheme rejects them (typos).
  if (target.kind !== "http") params.rejectUnknown();
  return withCommon(target, expect, addresses);
}

function withCommon(target: Target, expect: Expectation | undefined, addresses: string | undefined): Target {
  const shaped = expect ? { ...target, expect } : target;
  return addresses === "first" ? { ...shaped, addresses: "first" } : shaped;
}

const PARSERS: Record<string, (parts: Parts) => Target> = {
  tcp({ authority, path, fail }) {
    noPath("tcp", path, fail);
    const { host, portSpec } = splitAuthority(authority, fail);
    if (portSpec === undefined) fail("tcp needs a port or a port range, e.g. tcp://host:443 or tcp://host:8000-8100");
    const range = /^(\d+)-(\d+)$/.exec(portSpec!);
    if (!range) return { kind: "tcp", host, port: toPort(portSpec!, fail) };
    const port = toPort(range[1]!, fail);
    const portEnd = toPort(range[2]!, fail);
    if (portEnd < port) fail(`port range ${portSpec} is reversed`);
    return port === portEnd ? { kind: "tcp", host, port } : { kind: "tcp", host, port, portEnd };
  },
  tls({ authority, path, params, fail }) {
    noPath("tls", path, fail);
    const { host, portSpec } = splitAuthority(authority, fail);
    return { kind: "tls", host, port: portSpec === undefined ? 443 : toPort(portSpec, fail), ...takeTlsOptions(params, fail) };
  },
  http: parseHttp,
  https: parseHttp,
  dns({ authority, path, params, fail }) {
    const name = decodeURIComponent(path.replace(/^\//, ""));
    if (name === "") fail("dns needs a name to resolve: dns://resolver:53/name or dns:///name for the system resolver");
    const type = (params.take("type") ?? "A").toUpperCase();
    if (!(DNS_RECORD_TYPES as readonly string[]).includes(type)) fail(`unknown record type ${type} (use ${DNS_RECORD_TYPES.join(", ")})`);
    const target: DnsTarget = { kind: "dns", name: toHostName(name, fail), recordType: type as DnsRecordType };
    if (authority !== "") {
      const { host, portSpec } = splitAuthority(authority, fail);
      target.resolver = { host, port: portSpec === undefined ? 53 : toPort(portSpec, fail) };
    }
    return target;
  },
  udp({ authority, path, params, fail }) {
    noPath("udp", path, fail);
    const { host, portSpec } = splitAuthority(authority, fail);
    if (portSpec === undefined) fail("udp needs a port, e.g. udp://host:53");
    const payloadHex = (params.take("payload") ?? "").toLowerCase();
    if (!/^(?:[0-9a-f]{2})*$/.test(payloadHex)) fail("payload must be hex bytes, e.g. payload=0a0b");
    if (payloadHex.length > 2 * 1400) fail("payload longer than 1400 bytes");
    return { kind: "udp", host, port: toPort(portSpec!, fail), payloadHex };
  },
  icmp({ authority, path, params, fail }) {
    noPath("icmp", path, fail);
    const { host, portSpec } = splitAuthority(authority, fail);
    if (portSpec !== undefined) fail("icmp has no port; use ?port=N for the TCP fallback port");
    const port = params.take("port");
    return { kind: "icmp", host, fallbackPort: port === undefined ? 443 : toPort(port, fail) };
  },
};

/** http(s): every parameter probemesh does not take stays in the path sent to the server. */
function parseHttp({ scheme, authority, path, params, fail }: Parts): HttpTarget {
  const https = scheme === "https";
  const { host, portSpec } = splitAuthority(authority, fail);
  const target: HttpTarget = {
    kind: "http",
    scheme: https ? "https" : "http",
    host,
    port: portSpec === undefined ? (https ? 443 : 80) : toPort(portSpec, fail),
    path: "",
    status: params.statusRange() ?? DEFAULT_STATUS,
    ...(https ? takeTlsOptions(params, fail) : {}),
  };
  const rest = params.remainder();
  target.path = (path === "" ? "/" : path) + (rest ? `?${rest}` : "");
  return target;
}

function noPath(scheme: string, path: string, fail: Fail): void {
  if (path !== "" && path !== "/") fail(`${scheme} targets take no path`);
}

const PARSED_CACHE_SIZE = 10_000;
const parsedTargets = new Map<string, Readonly<Target>>();

/**
 * `parseTarget` for callers that parse the same URIs every round (the engine, `probe()`): a parsed
 * URI is kept (frozen, so copy before changing) among the last 10,000. Invalid URIs are not kept.
 */
export function parseTargetCached(uri: string): Readonly<Target> {
  let target = parsedTargets.get(uri);
  if (target) return target;
  const parsed = parseTarget(uri);
  for (const value of Object.values(parsed)) if (typeof value === "object") Object.freeze(value);
  target = Object.freeze(parsed);
  if (parsedTargets.size >= PARSED_CACHE_SIZE) parsedTargets.delete(parsedTargets.keys().next().value!);
  parsedTargets.set(uri, target);
  return target;
}

/** The kind a URI probes, without validating the rest (`https` → `http`); undefined if unknown. */
export function kindOfUri(uri: string): Kind | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "https") return "http";
  return (["tcp", "tls", "http", "dns", "udp", "icmp"] as const).find((kind) => kind === scheme);
}

function truncate(value: string): string {
  return typeof value === "string" && value.length > 120 ? `${value.slice(0, 117)}...` : String(value);
}
