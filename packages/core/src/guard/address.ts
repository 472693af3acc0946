import { isIPv4, isIPv6 } from "node:net";

/**
 * IP address parsing for the SSRF guard. Addresses are handled as BigInt so one CIDR
 * matcher serves IPv4 (32 bits) and IPv6 (128 bits).
 */

export type Family = 4 | 6;

/** A parsed IP address in canonical form. */
export interface IpAddress {
  family: Family;
  value: bigint;
  /** Canonical text: dotted quad for IPv4, RFC 5952-ish compressed form for IPv6. */
  text: string;
}

/** A CIDR block. */
export interface Cidr {
  family: Family;
  base: bigint;
  prefix: number;
}

const NUMERIC_LABEL = /^(0x[0-9a-f]*|[0-9]+)$/i;

/**
 * True when `host` is written as an IPv4 address in any spelling a C resolver accepts
 * (inet_aton: 1–4 parts, each decimal, octal with a leading 0, or hex with 0x).
 * Such a host must be parsed as an address, never sent to DNS as a name.
 */
export function looksLikeNumericIpv4(host: string): boolean {
  const labels = stripTrailingDot(host).split(".");
  return labels.length >= 1 && labels.length <= 4 && labels.every((l) => NUMERIC_LABEL.test(l));
}

/**
 * Parse an IPv4 address in every inet_aton spelling (2130706433, 0177.0.0.1, 0x7f.1,
 * 127.1) into canonical form; undefined when the text is not such an address or a part
 * overflows.
 */
export function parseIpv4Loose(host: string): IpAddress | undefined {
  if (!looksLikeNumericIpv4(host)) return undefined;
  const parts: bigint[] = [];
  for (const label of stripTrailingDot(host).split(".")) {
    const part = parseNumericLabel(label);
    if (part === undefined) return undefined;
    parts.push(part);
  }
  // The last part fills all remaining bytes: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits).
  const lastWidth = BigInt(8 * (5 - parts.length));
  let value = 0n;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const isLast = i === parts.length - 1;
    const width = isLast ? lastWidth : 8n;
    if (part >= 1n << width) return undefined;
    value = (value << width) | part;
  }
  return fromValue(4, value);
}

function parseNumericLabel(label: string): bigint | undefined {
  if (/^0x/i.test(label)) return label.length === 2 ? 0n : BigInt(label);
  if (label.length > 1 && label.startsWith("0")) {
    return /^[0-7]+$/.test(label) ? BigInt("0o" + label.slice(1)) : undefined;
  }
  return BigInt(label);
}

/**
 * Parse an IPv6 address (optionally in brackets, optionally with a %zone, with or
 * without an embedded dotted quad); undefined when it is not one.
 */
export function parseIpv6(text: string): IpAddress | undefined {
  let host = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const zone = host.indexOf("%");
  if (zone !== -1) host = host.slice(0, zone);
  if (!isIPv6(host)) return undefined;
  let groups = host.toLowerCase();
  const lastColon = groups.lastIndexOf(":");
  const tail = groups.slice(lastColon + 1);
  if (tail.includes(".")) {
    const v4 = parseStrictIpv4(tail);
    if (!v4) return undefined;
    const hi = (v4.value >> 16n).toString(16);
    const lo = (v4.value & 0xffffn).toString(16);
    groups = `${groups.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const [head, rest] = groups.split("::") as [string, string | undefined];
  const headParts = head === "" ? [] : head.split(":");
  const restParts = rest === undefined || rest === "" ? [] : rest.split(":");
  const missing = 8 - headParts.length - restParts.length;
  const all = rest === undefined ? headParts : [...headParts, ...Array(missing).fill("0"), ...restParts];
  let value = 0n;
  for (const g of all) value = (value << 16n) | BigInt("0x" + (g || "0"));
  return fromValue(6, value);
}

function parseStrictIpv4(text: string): IpAddress | undefined {
  if (!isIPv4(text)) return undefined;
  return parseIpv4Loose(text);
}

/** Parse any IP literal the guard may meet (strict or loose IPv4, IPv6); undefined for names. */
export function parseIp(host: string): IpAddress | undefined {
  return parseIpv6(host) ?? parseIpv4Loose(host);
}

/** Parse `a.b.c.d/n` or `x::/n`; throws on malformed input (policies are operator-written). */
export function parseCidr(text: string): Cidr {
  const [addr, prefixText] = text.split("/");
  const ip = addr === undefined ? undefined : (parseIpv6(addr) ?? parseStrictIpv4(addr));
  if (!ip) throw new Error(`invalid CIDR "${text}"`);
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) throw new Error(`invalid CIDR prefix in "${text}"`);
  const hostBits = BigInt(bits - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

/** True when `ip` lies inside `cidr` (families must match). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  if (cidr.family !== ip.family) return false;
  const hostBits = BigInt((cidr.family === 4 ? 32 : 128) - cidr.prefix);
  return ip.value >> hostBits === cidr.base >> hostBits;
}

/** The IPv4 address held in the low 32 bits of an IPv6 address. */
export function low32AsIpv4(ip: IpAddress): IpAddress {
  return fromValue(4, ip.value & 0xffffffffn);
}

/** The IPv4 address held in bits 16–47 of a 6to4 (2002::/16) address. */
export function sixToFourIpv4(ip: IpAddress): IpAddress {
  return fromValue(4, (ip.value >> 80n) & 0xffffffffn);
}

function fromValue(family: Family, value: bigint): IpAddress {
  return { family, value, text: family === 4 ? ipv4Text(value) : ipv6Text(value) };
}

function ipv4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join(".");
}

function ipv6Text(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  // Compress the longest run of zero groups (length ≥ 2), as RFC 5952 recommends.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

function stripTrailingDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}
