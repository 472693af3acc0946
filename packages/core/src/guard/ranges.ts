import {
  cidrContains,
  low32AsIpv4,
  parseCidr,
  sixToFourIpv4,
  type Cidr,
  type IpAddress,
} from "./address.js";

/** A named CIDR block, as it appears in deny lists, allowlists and error messages. */
export interface NamedRange {
  name: string;
  cidr: string;
}

/**
 * Everything an on-demand probe may never reach unless an allowlist opens it
 * (IANA special-purpose registries for IPv4 and IPv6). Order matters only for the
 * name reported: the most specific entry comes first.
 */
export const DENIED_RANGES: readonly NamedRange[] = [
  { name: "metadata", cidr: "169.254.169.254/32" },
  { name: "metadata", cidr: "fd00:ec2::254/128" },
  { name: "this-network", cidr: "0.0.0.0/8" },
  { name: "private", cidr: "10.0.0.0/8" },
  { name: "cgnat", cidr: "100.64.0.0/10" },
  { name: "loopback", cidr: "127.0.0.0/8" },
  { name: "link-local", cidr: "169.254.0.0/16" },
  { name: "private", cidr: "172.16.0.0/12" },
  { name: "reserved", cidr: "192.0.0.0/24" },
  { name: "documentation", cidr: "192.0.2.0/24" },
  { name: "reserved", cidr: "192.88.99.0/24" },
  { name: "private", cidr: "192.168.0.0/16" },
  { name: "benchmark", cidr: "198.18.0.0/15" },
  { name: "documentation", cidr: "198.51.100.0/24" },
  { name: "documentation", cidr: "203.0.113.0/24" },
  { name: "multicast", cidr: "224.0.0.0/4" },
  { name: "broadcast", cidr: "255.255.255.255/32" },
  { name: "reserved", cidr: "240.0.0.0/4" },
  { name: "unspecified", cidr: "::/128" },
  { name: "loopback", cidr: "::1/128" },
  { name: "nat64-local", cidr: "64:ff9b:1::/48" },
  { name: "discard", cidr: "100::/64" },
  { name: "reserved", cidr: "2001::/23" },
  { name: "documentation", cidr: "2001:db8::/32" },
  { name: "documentation", cidr: "3fff::/20" },
  { name: "unique-local", cidr: "fc00::/7" },
  { name: "link-local", cidr: "fe80::/10" },
  { name: "site-local", cidr: "fec0::/10" },
  { name: "multicast", cidr: "ff00::/8" },
];

/** IPv6 blocks that carry an IPv4 address; the embedded address decides. */
const IPV4_MAPPED = parseCidr("::ffff:0:0/96");
const NAT64 = parseCidr("64:ff9b::/96");
const SIX_TO_FOUR = parseCidr("2002::/16");
/** Only global unicast is routable on the Internet; the rest of IPv6 is reserved today. */
const GLOBAL_UNICAST = parseCidr("2000::/3");

interface CompiledRange {
  name: string;
  cidr: Cidr;
}

/** Compile named ranges once; throws on a malformed CIDR so a bad policy fails at start-up. */
export function compileRanges(ranges: readonly NamedRange[]): CompiledRange[] {
  return ranges.map((r) => ({ name: r.name, cidr: parseCidr(r.cidr) }));
}

const COMPILED_DENIED = compileRanges(DENIED_RANGES);

/** Why an address was refused: the named range, and the IPv4 address it really means, if embedded. */
export interface AddressBlock {
  range: string;
  address: string;
  embedded?: string;
}

/**
 * Decide whether `ip` may be contacted. `allowed` ranges win over the deny list;
 * an IPv6 address that embeds IPv4 (mapped, NAT64, 6to4) is judged by the IPv4 inside.
 */
export function classifyAddress(ip: IpAddress, allowed: readonly CompiledRange[]): AddressBlock | undefined {
  if (allowed.some((r) => cidrContains(r.cidr, ip))) return undefined;
  const embedded = embeddedIpv4(ip);
  if (embedded) {
    const inner = classifyAddress(embedded, allowed);
    return inner ? { ...inner, address: ip.text, embedded: embedded.text } : undefined;
  }
  const denied = COMPILED_DENIED.find((r) => cidrContains(r.cidr, ip));
  if (denied) return { range: denied.name, address: ip.text };
  if (ip.family === 6 && !cidrContains(GLOBAL_UNICAST, ip)) {
    // ::/96 (IPv4-compatible, deprecated) and every unassigned block land here.
    return { range: "reserved", address: ip.text };
  }
  return undefined;
}

function embeddedIpv4(ip: IpAddress): IpAddress | undefined {
  if (ip.family !== 6) return undefined;
  if (cidrContains(IPV4_MAPPED, ip) || cidrContains(NAT64, ip)) return low32AsIpv4(ip);
  if (cidrContains(SIX_TO_FOUR, ip)) return sixToFourIpv4(ip);
  return undefined;
}
