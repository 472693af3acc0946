import type { NamedRange } from "./ranges.js";

/** An inclusive port range; a single port has `from === to`. */
export interface PortRange {
  from: number;
  to: number;
}

/** What on-demand probes (API and Slack) may reach. */
export interface GuardPolicy {
  /** Named CIDR ranges opened despite the deny list, e.g. a VPC the operator wants probed. */
  allow: NamedRange[];
  /** Destination ports on-demand probes may use. */
  ports: PortRange[];
}

/**
 * Default ports: the well-known service ports the vendor pages list below 1024
 * (ssh 22, smtp 25/465/587, dns 53, http 80, ntp 123, https 443, ldap 389/636, dns-over-tls 853)
 * plus every unprivileged port (1024-65535), where the vendors' data-plane, relay and
 * gateway ports live (5000, 8071, 9300-9400, 64535-65535…). Everything else below 1024
 * (e.g. 111 rpcbind, 135/139/445 SMB, 161 SNMP) stays closed so the mesh cannot be used to
 * sweep classic internal services.
 */
export const DEFAULT_PORTS: readonly PortRange[] = [
  ...[22, 25, 53, 80, 123, 389, 443, 465, 587, 636, 853].map((p) => ({ from: p, to: p })),
  { from: 1024, to: 65535 },
];

/** Production default: deny list in force, no range opened. */
export const DEFAULT_POLICY: GuardPolicy = { allow: [], ports: [...DEFAULT_PORTS] };

/** The lab opens loopback explicitly (its vendor stand-ins listen on 127.x and ::1), nothing else. */
export const LAB_POLICY: GuardPolicy = {
  allow: [
    { name: "lab-loopback", cidr: "127.0.0.0/8" },
    { name: "lab-loopback", cidr: "::1/128" },
  ],
  ports: [{ from: 1, to: 65535 }],
};

/** What an operator adds to a base policy: named ranges to open, and a port list replacing the base's. */
export interface GuardOverrides {
  allow: NamedAllow[];
  ports?: PortRange[];
}
type NamedAllow = GuardPolicy["allow"][number];

/**
 * Parses PROBEMESH_GUARD_ALLOW="name=cidr,name=cidr" (opens named ranges) and
 * PROBEMESH_GUARD_PORTS="22,443,1024-65535" (replaces the port list). Throws with the
 * variable's name on malformed values.
 */
export function parseGuardOverrides(allowText: string | undefined, portsText: string | undefined): GuardOverrides {
  const allow: NamedAllow[] = [];
  for (const item of splitList(allowText)) {
    const [name, cidr] = item.split("=");
    if (!name || !cidr) throw new Error(`PROBEMESH_GUARD_ALLOW: expected name=cidr, got "${item}"`);
    allow.push({ name, cidr });
  }
  const portItems = splitList(portsText);
  return { allow, ...(portItems.length > 0 ? { ports: portItems.map(parsePortRange) } : {}) };
}

/** `base` (DEFAULT_POLICY, or LAB_POLICY in the lab) with the operator's overrides applied. */
export function withOverrides(base: GuardPolicy, overrides: GuardOverrides): GuardPolicy {
  return { allow: [...base.allow, ...overrides.allow], ports: overrides.ports ?? base.ports };
}

/** Policy from environment variables (PROBEMESH_GUARD_ALLOW / PROBEMESH_GUARD_PORTS) over `base`. */
export function policyFromEnv(env: Record<string, string | undefined>, base: GuardPolicy = DEFAULT_POLICY): GuardPolicy {
  return withOverrides(base, parseGuardOverrides(env.PROBEMESH_GUARD_ALLOW, env.PROBEMESH_GUARD_PORTS));
}

function parsePortRange(text: string): PortRange {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  const from = Number(m?.[1]);
  const to = Number(m?.[2] ?? m?.[1]);
  if (!m || from < 1 || to > 65535 || to < from) {
    throw new Error(`PROBEMESH_GUARD_PORTS: "${text}" is not a port or range within 1-65535`);
  }
  return { from, to };
}

function splitList(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The first port in [from, to] that no allowed range covers; undefined when all are covered. */
export function firstUncoveredPort(ports: readonly PortRange[], from: number, to: number): number | undefined {
  const sorted = [...ports].sort((a, b) => a.from - b.from);
  let next = from;
  for (const r of sorted) {
    if (r.from > next) break;
    if (r.to >= next) next = r.to + 1;
    if (next > to) return undefined;
  }
  return next;
}
