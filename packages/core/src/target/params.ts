/**
 * The pieces of a target URI, checked one by one: query parameters (consumed, so leftovers are typos or an
 * http path's own query), the authority, ports and the TLS options tls:// and https:// share.
 */
import { isIP } from "node:net";
import type { Expectation } from "../result/index.js";

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;

/** Throws the caller's error for one URI (never returns). */
export type Fail = (reason: string) => never;

/** Query parameters, consumed one by one so leftovers can be rejected (typos) or passed on (http). */
export class Params {
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

/** What tls:// and https:// targets may add to the handshake: `servername`, `ca`, `certMinDays`, `groups`. */
export interface TlsOptions {
  servername?: string;
  caFile?: string;
  certMinDays?: number;
  groups?: string;
}

/** Takes the TLS options from `params`; only the ones given are set. */
export function takeTlsOptions(params: Params, fail: Fail): TlsOptions {
  const options: TlsOptions = {};
  const servername = params.take("servername");
  if (servername !== undefined) options.servername = toHostName(servername, fail);
  const caFile = params.take("ca");
  if (caFile !== undefined) options.caFile = nonEmpty(caFile, "ca", fail);
  const certMinDays = params.take("certMinDays");
  if (certMinDays !== undefined) options.certMinDays = toCertMinDays(certMinDays, fail);
  const groups = params.take("groups");
  if (groups !== undefined) options.groups = toGroups(groups, fail);
  return options;
}

/** `host[:port]` of an authority; IPv6 literals in brackets, no user information. */
export function splitAuthority(authority: string, fail: Fail): { host: string; portSpec?: string } {
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
export function toHostName(raw: string, fail: Fail): string {
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

/** A port number 1-65535. */
export function toPort(raw: string, fail: Fail): number {
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

/** `value` split at the first `separator` (the second part undefined when there is none). */
export function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}
