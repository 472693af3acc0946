import { isIP } from "node:net";
import type { Expectation, Kind } from "../result/index.js";

/** DNS record types the dns prober can ask for. */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "NS"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

interface TargetBase {
  /** Present when the URI says `?expect=…`; absent means "reachable". */
  expect?: Expectation;
  /** `?addresses=first`: probe only the first address a host name resolves to (default: every address). */
  addresses?: "first";
}

/** `tcp://host:443` or a range `tcp://host:64535-65535` (then `portEnd` is set). */
export interface TcpTarget extends TargetBase {
  kind: "tcp";
  host: string;
  port: number;
  portEnd?: number;
}

/** `tls://host:443?servername=x&ca=file` */
export interface TlsTarget extends TargetBase {
  kind: "tls";
  host: string;
  port: number;
  servername?: string;
  /** Path of a PEM file with extra trusted CAs. */
  caFile?: string;
  /** `?certMinDays=N`: a leaf certificate expiring within N days is `tls_cert_expiring` (0 turns it off). */
  certMinDays?: number;
  /** `?groups=X25519MLKEM768:X25519`: the key-exchange groups the ClientHello offers, in order (the probe's own list otherwise). */
  groups?: string;
}

/** `http://…` / `https://…?expect=200-399`; every other query parameter stays in `path`. */
export interface HttpTarget extends TargetBase {
  kind: "http";
  scheme: "http" | "https";
  host: string;
  port: number;
  /** Path plus the query string sent to the server (probemesh's own parameters removed). */
  path: string;
  /** Accepted status range, inclusive; default 200-399. */
  status: { min: number; max: number };
  servername?: string;
  caFile?: string;
  /** https only: as `TlsTarget.certMinDays`. */
  certMinDays?: number;
  /** https only: as `TlsTarget.groups`. */
  groups?: string;
}

/** `dns://resolver:port/name?type=A`; no resolver (`dns:///name`) means the system resolver. */
export interface DnsTarget extends TargetBase {
  kind: "dns";
  resolver?: { host: string; port: number };
  name: string;
  recordType: DnsRecordType;
}

/** `udp://host:53?payload=hex` */
export interface UdpTarget extends TargetBase {
  kind: "udp";
  host: string;
  port: number;
  /** Lower-case hex of the datagram to send; empty string sends an empty datagram. */
  payloadHex: string;
}

/** `icmp://host[?port=443]`: `port` is the one the labelled TCP fallback connects to. */
export interface IcmpTarget extends TargetBase {
  kind: "icmp";
  host: string;
  fallbackPort: number;
}

/** A parsed target URI. */
export type Target = TcpTarget | TlsTarget | HttpTarget | DnsTarget | UdpTarget | IcmpTarget;

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
const DEFAULT_STATUS = { min: 200, max: 399 };
const URI_SHAPE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/;
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

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

  const withExpect = <T extends Target>(target: T): T => {
    params.rejectUnknown();
    const shaped = expect ? { ...target, expect } : target;
    return addresses === "first" ? { ...shaped, addresses: "first" } : shaped;
  };
  const noPath = () => {
    if (path !== "" && path !== "/") fail(`${scheme} targets take no path`);
  };

  switch (scheme) {
    case "tcp": {
      noPath();
      const { host, portSpec } = splitAuthority(authority, fail);
      if (portSpec === undefined) fail("tcp needs a port or a port range, e.g. tcp://host:443 or tcp://host:8000-8100");
      const range = /^(\d+)-(\d+)$/.exec(portSpec!);
      if (range) {
        const port = toPort(range[1]!, fail);
        const portEnd = toPort(range[2]!, fail);
        if (portEnd < port) fail(`port range ${portSpec} is reversed`);
        return withExpect(port === portEnd ? { kind: "tcp", host, port } : { kind: "tcp", host, port, portEnd });
      }
      return withExpect({ kind: "tcp", host, port: toPort(portSpec!, fail) });
    }
    case "tls": {
      noPath();
      const { host, portSpec } = splitAuthority(authority, fail);
      const target: TlsTarget = { kind: "tls", host, port: portSpec === undefined ? 443 : toPort(portSpec, fail) };
      const servername = params.take("servername");
      if (servername !== undefined) target.servername = toHostName(servername, fail);
      const caFile = params.take("ca");
      if (caFile !== undefined) target.caFile = nonEmpty(caFile, "ca", fail);
      const certMinDays = params.take("certMinDays");
      if (certMinDays !== undefined) target.certMinDays = toCertMinDays(certMinDays, fail);
      const groups = params.take("groups");
      if (groups !== undefined) target.groups = toGroups(groups, fail);
      return withExpect(target);
    }
    case "http":
    case "https": {
      const { host, portSpec } = splitAuthority(authority, fail);
      const target: HttpTarget = {
        kind: "http",
        scheme,
        host,
        port: portSpec === undefined ? (scheme === "https" ? 443 : 80) : toPort(portSpec, fail),
        path: "",
        status: params.statusRange() ?? DEFAULT_STATUS,
      };
      if (scheme === "https") {
        const servername = params.take("servername");
        if (servername !== undefined) target.servername = toHostName(servername, fail);
        const caFile = params.take("ca");
        if (caFile !== undefined) target.caFile = nonEmpty(caFile, "ca", fail);
        const certMinDays = params.take("certMinDays");
        if (certMinDays !== undefined) target.certMinDays = toCertMinDays(certMinDays, fail);
        const groups = params.take("groups");
        if (groups !== undefined) target.groups = toGroups(groups, fail);
      }
      const rest = params.remainder();
      target.path = (path === "" ? "/" : path) + (rest ? `?${rest}` : "");
      return expect ? { ...target, expect } : target;
    }
    case "dns": {
      const name = decodeURIComponent(path.replace(/^\//, ""));
      if (name === "") fail("dns needs a name to resolve: dns://resolver:53/name or dns:///name for the system resolver");
      const type = (params.take("type") ?? "A").toUpperCase();
      if (!(DNS_RECORD_TYPES as readonly string[]).includes(type)) fail(`unknown record type ${type} (use ${DNS_RECORD_TYPES.join(", ")})`);
      const target: DnsTarget = { kind: "dns", name: toHostName(name, fail), recordType: type as DnsRecordType };
      if (authority !== "") {
        const { host, portSpec } = splitAuthority(authority, fail);
        target.resolver = { host, port: portSpec === undefined ? 53 : toPort(portSpec, fail) };
      }
      return withExpect(target);
    }
    case "udp": {
      noPath();
      const { host, portSpec } = splitAuthority(authority, fail);
      if (portSpec === undefined) fail("udp needs a port, e.g. udp://host:53");
      const payloadHex = (params.take("payload") ?? "").toLowerCase();
      if (!/^(?:[0-9a-f]{2})*$/.test(payloadHex)) fail("payload must be hex bytes, e.g. payload=0a0b");
      if (payloadHex.length > 2 * 1400) fail("payload longer than 1400 bytes");
      return withExpect({ kind: "udp", host, port: toPort(portSpec!, fail), payloadHex });
    }
    case "icmp": {
      noPath();
      const { host, portSpec } = splitAuthority(authority, fail);
      if (portSpec !== undefined) fail("icmp has no port; use ?port=N for the TCP fallback port");
      const port = params.take("port");
      return withExpect({ kind: "icmp", host, fallbackPort: port === undefined ? 443 : toPort(port, fail) });
    }
    default:
      return fail(`unknown scheme ${scheme}: (use tcp, tls, http, https, dns, udp or icmp)`);
  }
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

// Every result carries its target's URI; a frozen target (from parseTargetCached) cannot change, so its URI is built once.
const formattedTargets = new WeakMap<Target, string>();

/** The canonical URI of a target: `parseTarget(formatTarget(t))` gives back `t`. */
export function formatTarget(target: Target): string {
  if (!Object.isFrozen(target)) return buildUri(target);
  let uri = formattedTargets.get(target);
  if (uri === undefined) formattedTargets.set(target, (uri = buildUri(target)));
  return uri;
}

function buildUri(target: Target): string {
  const query: string[] = [];
  let uri: string;
  switch (target.kind) {
    case "tcp":
      uri = `tcp://${hostPort(target.host, target.portEnd === undefined ? `${target.port}` : `${target.port}-${target.portEnd}`)}`;
      break;
    case "tls":
      uri = `tls://${hostPort(target.host, `${target.port}`)}`;
      if (target.servername) query.push(`servername=${encodeURIComponent(target.servername)}`);
      if (target.caFile) query.push(`ca=${encodeURIComponent(target.caFile)}`);
      if (target.certMinDays !== undefined) query.push(`certMinDays=${target.certMinDays}`);
      if (target.groups) query.push(`groups=${target.groups}`);
      break;
    case "http": {
      const defaultPort = target.scheme === "https" ? 443 : 80;
      const authority = target.port === defaultPort ? bracketHost(target.host) : hostPort(target.host, `${target.port}`);
      const [pathname = "/", existing] = splitOnce(target.path, "?");
      uri = `${target.scheme}://${authority}${pathname}`;
      if (existing) query.push(existing);
      if (target.servername) query.push(`servername=${encodeURIComponent(target.servername)}`);
      if (target.caFile) query.push(`ca=${encodeURIComponent(target.caFile)}`);
      if (target.certMinDays !== undefined) query.push(`certMinDays=${target.certMinDays}`);
      if (target.groups) query.push(`groups=${target.groups}`);
      if (target.status.min !== DEFAULT_STATUS.min || target.status.max !== DEFAULT_STATUS.max) {
        query.push(`expect=${target.status.min === target.status.max ? target.status.min : `${target.status.min}-${target.status.max}`}`);
      }
      break;
    }
    case "dns":
      uri = `dns://${target.resolver ? hostPort(target.resolver.host, `${target.resolver.port}`) : ""}/${target.name}`;
      if (target.recordType !== "A") query.push(`type=${target.recordType}`);
      break;
    case "udp":
      uri = `udp://${hostPort(target.host, `${target.port}`)}`;
      if (target.payloadHex) query.push(`payload=${target.payloadHex}`);
      break;
    case "icmp":
      uri = `icmp://${bracketHost(target.host)}`;
      if (target.fallbackPort !== 443) query.push(`port=${target.fallbackPort}`);
      break;
  }
  if (target.addresses === "first") query.push("addresses=first");
  if (target.expect === "blocked") query.push("expect=blocked");
  return query.length ? `${uri}?${query.join("&")}` : uri;
}

/** The kind a URI probes, without validating the rest (`https` → `http`); undefined if unknown. */
export function kindOfUri(uri: string): Kind | undefined {
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri)?.[1]?.toLowerCase();
  if (scheme === "https") return "http";
  return (["tcp", "tls", "http", "dns", "udp", "icmp"] as const).find((kind) => kind === scheme);
}

/** `host:port` with IPv6 literals in brackets. */
export function hostPort(host: string, port: string | number): string {
  return `${bracketHost(host)}:${port}`;
}

/** A host as it appears in a URI or Host header: IPv6 literals in brackets. */
export function bracketHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

type Fail = (reason: string) => never;

/** Query parameters, consumed one by one so leftovers can be rejected (typos) or passed on (http). */
class Params {
  private readonly entries: [string, string][];
  private readonly raw: string;
  private readonly taken = new Set<string>();
  constructor(
    query: string | undefined,
    private readonly fail: Fail,
  ) {
    this.entries = query ? [...new URLSearchParams(query)] : [];
    this.raw = query ?? "";
  }

  take(key: string): string | undefined {
    const values = this.entries.filter(([k]) => k === key).map(([, v]) => v);
    if (values.length > 1) this.fail(`parameter ${key} given twice`);
    this.taken.add(key);
    return values[0];
  }

  /** `expect=blocked|reachable`; a status range (http) is left for `statusRange`. */
  expectation(): Expectation | undefined {
    const values = this.entries.filter(([k]) => k === "expect").map(([, v]) => v);
    const word = values.find((v) => v === "blocked" || v === "reachable");
    if (values.filter((v) => v === "blocked" || v === "reachable").length > 1) this.fail("expect given twice");
    return word === "blocked" ? "blocked" : undefined;
  }

  statusRange(): { min: number; max: number } | undefined {
    const ranges = this.entries.filter(([k, v]) => k === "expect" && v !== "blocked" && v !== "reachable").map(([, v]) => v);
    this.taken.add("expect");
    if (ranges.length === 0) return undefined;
    if (ranges.length > 1) this.fail("expect given twice");
    const m = /^([1-5]\d\d)(?:-([1-5]\d\d))?$/.exec(ranges[0]!);
    if (!m) this.fail(`expect must be blocked, a status like 200 or a range like 200-399, not ${ranges[0]}`);
    const min = Number(m![1]);
    const max = Number(m![2] ?? m![1]);
    if (max < min) this.fail(`status range ${ranges[0]} is reversed`);
    return { min, max };
  }

  rejectUnknown(): void {
    const unknown = this.entries.map(([k]) => k).find((k) => !this.taken.has(k) && k !== "expect");
    if (unknown !== undefined) this.fail(`unknown parameter ${unknown}`);
    const badExpect = this.entries.find(([k, v]) => k === "expect" && v !== "blocked" && v !== "reachable" && !this.taken.has("expect"));
    if (badExpect) this.fail(`expect must be blocked or reachable, not ${badExpect[1]}`);
  }

  /** The raw query without the parameters probemesh consumed, order and encoding preserved. */
  remainder(): string {
    return this.raw
      .split("&")
      .filter((pair) => pair !== "" && !this.taken.has(decodeURIComponent(splitOnce(pair, "=")[0] ?? "")))
      .join("&");
  }
}

function splitAuthority(authority: string, fail: Fail): { host: string; portSpec?: string } {
  if (authority === "") fail("missing host");
  if (authority.includes("@")) fail("user information (user@host) is not allowed");
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(authority);
  if (v6) {
    const host = v6[1]!.toLowerCase();
    if (isIP(host) !== 6) fail(`${v6[1]} is not an IPv6 address`);
    return v6[2] === undefined ? { host } : { host, portSpec: v6[2] };
  }
  if (authority.startsWith("[")) fail("unclosed [ or junk after ] in an IPv6 address, e.g. tcp://[::1]:443");
  const colon = authority.lastIndexOf(":");
  if (colon !== authority.indexOf(":")) fail("IPv6 addresses go in brackets, e.g. tcp://[::1]:443");
  const rawHost = colon === -1 ? authority : authority.slice(0, colon);
  const host = toHostName(rawHost, fail);
  return colon === -1 ? { host } : { host, portSpec: authority.slice(colon + 1) };
}

/**
 * Lower-cases and normalises a host: numeric IPv4 spellings (`2130706433`, `0x7f.1`, `0177.0.0.1`)
 * become dotted quads here, so every later check (SSRF guard, lookup) sees the real address.
 */
function toHostName(raw: string, fail: Fail): string {
  if (raw === "") fail("missing host");
  if (isIP(raw) === 6) return raw.toLowerCase();
  if (!/^[A-Za-z0-9_.-]+$/.test(raw)) fail(`${raw} is not a valid host name`);
  let normalised: string;
  try {
    normalised = new URL(`http://${raw}/`).hostname;
  } catch {
    return fail(`${raw} is not a valid host name or IPv4 address`);
  }
  if (isIP(normalised) !== 4 && !HOST_NAME.test(normalised)) fail(`${raw} is not a valid host name`);
  return normalised;
}

function toPort(raw: string, fail: Fail): number {
  if (!/^\d{1,5}$/.test(raw)) fail(`port ${JSON.stringify(raw)} is not a number`);
  const port = Number(raw);
  if (port < 1 || port > 65535) fail(`port ${port} is outside 1-65535`);
  return port;
}

/** Largest `certMinDays`: ten years, longer than any public certificate lives. */
export const MAX_CERT_MIN_DAYS = 3650;

function toCertMinDays(raw: string, fail: Fail): number {
  if (!/^\d{1,4}$/.test(raw) || Number(raw) > MAX_CERT_MIN_DAYS) fail(`certMinDays must be a whole number of days from 0 to ${MAX_CERT_MIN_DAYS}, not ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * OpenSSL group names, colon-separated (at most 8). Whether this process's OpenSSL knows each is found out
 * when the probe builds its TLS context (X25519MLKEM768 needs OpenSSL 3.5, Node 24): an `invalid_target` then.
 */
function toGroups(raw: string, fail: Fail): string {
  const names = raw.split(":");
  if (names.length > 8 || !names.every((name) => /^[A-Za-z0-9_-]{1,32}$/.test(name))) {
    fail(`groups must be 1 to 8 OpenSSL group names separated by ':' (e.g. X25519MLKEM768:X25519), not ${JSON.stringify(raw.slice(0, 80))}`);
  }
  return raw;
}

function nonEmpty(value: string, key: string, fail: Fail): string {
  if (value === "") fail(`${key} is empty`);
  return value;
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

function truncate(value: string): string {
  return typeof value === "string" && value.length > 120 ? `${value.slice(0, 117)}...` : String(value);
}
