import { isIP } from "node:net";
import type { Check } from "@probemesh/core/check";
import { createCA, issueCert } from "@probemesh/core/pki";
import type { ProbeContext } from "@probemesh/core/probers";
import { parseTarget, type Target } from "@probemesh/core/target";
import { startLabDns } from "./dns.js";
import { labContext, type LabRegionNetwork } from "./network.js";
import { describeFault, faultHits, labFaults, type LabFault } from "./faults.js";
import { closedPort, startListener, type LabListener, type ListenerKind, type Treatment } from "./listeners.js";
import { DEFAULT_LAB_GEOS, labPlan, type LabGeos, type LabRow } from "./profile.js";

export { describeFault, labFaults, LAB_FAULTS, type LabFault } from "./faults.js";
export { labPlan, type LabGeos, type LabRow } from "./profile.js";
export { labContext, type LabNetwork, type LabRegionNetwork } from "./network.js";

/**
 * The lab: loopback stand-ins for the vendors' hosts, so the mesh runs with no network beyond
 * 127.0.0.0/8 and no root. Each host name gets its own 127.77.x.y address from the lab DNS;
 * each (host, real port) a listener on a free port ≥ 1024 that `dial` maps to (results keep the
 * real port in the target and carry the lab port in `detail`). Regions probe from their own
 * source address, and the lab applies per-region faults by that address.
 */

export interface LabOptions {
  /** The checks to stand in for; default: every built-in product planned by `labPlan(geos)`. */
  checks?: Check[];
  /** Vendor geographies of the default plan (PROBEMESH_LAB_GEOS). */
  geos?: LabGeos;
  regions: string[];
  /** Default: the documented faults (`labFaults(regions)`). */
  faults?: LabFault[];
  /** Start-up banner: what is planned, each fault, each catalog row not probed and why. */
  log?: (line: string) => void;
}

export interface SkippedCheck {
  checkId: string;
  target: string;
  reason: string;
}

export interface Lab {
  /** `127.0.0.1:port` of the lab DNS responder. */
  dnsServer: string;
  caPem: string;
  /** The checks the lab stands in for (the ones the mesh schedules). */
  checks: Check[];
  /** Checks the lab cannot emulate, with the reason (never probed against the outside world). */
  skipped: SkippedCheck[];
  /** With the default plan: every row of every built-in catalog, probed (checkIds) or skipped with the reason. */
  rows: LabRow[];
  faults: LabFault[];
  /** DNS queries answered, by source address. */
  dnsQueries: ReadonlyMap<string, number>;
  /** Host name → lab address. */
  hosts: ReadonlyMap<string, string>;
  /** The region's own source address (us-east-1 127.0.0.11, eu-west-1 127.0.0.12, …). */
  regionAddress(region: string): string;
  /** One region's lab network as plain data (what a region worker process receives). */
  networkFor(region: string): LabRegionNetwork;
  /** The probe context fields that put a region's probes into the lab. */
  contextFor(region: string): Partial<ProbeContext>;
  stop(): Promise<void>;
}

const KNOWN_REGION_ADDRESSES: Record<string, string> = {
  "us-east-1": "127.0.0.11",
  "eu-west-1": "127.0.0.12",
  "ap-southeast-2": "127.0.0.13",
};

/** Source address of a region in the lab: fixed for the three default regions, 127.0.0.14+ for others. */
export function labRegionAddress(region: string, regions: string[]): string {
  const known = KNOWN_REGION_ADDRESSES[region];
  if (known) return known;
  const others = regions.filter((r) => !KNOWN_REGION_ADDRESSES[r]);
  return `127.0.0.${14 + Math.max(0, others.indexOf(region))}`;
}

/** A (host, port) the lab stands in for, and the protocol its listener speaks. */
interface Endpoint {
  host: string;
  port: number;
  connection: ListenerKind;
  listener?: LabListener;
}

/**
 * Which ports of a vendor port range listen on the stand-in, as on a real host; every other port
 * of the range falls through the port map to the host's closed port and is refused, so a range
 * costs one listener per open port, not one per port. A range not named here opens its first port.
 */
export const RANGE_STAND_INS: Readonly<Record<string, { open: number[]; why: string }>> = {
  "9300-9400": { open: [9300], why: "one Elasticsearch node binds the first port of its transport range" },
  "64535-65535": { open: [64535, 65001], why: "two builds rerun with SSH, each given a port of the range" },
};

/** Starts the lab DNS responder and one listener per (host, port) the checks need. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const planned = options.checks ? undefined : labPlan(options.geos);
  const { endpoints, hosts, checks, skipped } = layout(options.checks ?? planned!.checks);
  const faults = options.faults ?? labFaults(options.regions);
  const rows = planned ? withLabSkips(planned.rows, skipped) : [];
  banner(options.log, { checks, faults, rows, hosts: hosts.size, geos: options.geos });
  const sourceRegion = new Map(options.regions.map((region) => [labRegionAddress(region, options.regions), region]));
  const faultsFor = (source: string) => faults.filter((fault) => fault.region === sourceRegion.get(source));

  const ca = await createCA({ name: "probemesh lab CA" });
  const credentials = new Map<string, { cert: string; key: string }>();
  for (const host of hosts.keys()) {
    const issued = await issueCert(ca, { names: [host] });
    credentials.set(host, { cert: issued.certPem, key: issued.keyPem });
  }

  const started: Array<{ close(): Promise<void> }> = [];
  try {
    // TCP-family listeners first, so a UDP stand-in can take the same port number on the same address.
    const ordered = [...endpoints.values()].sort((a, b) => Number(a.connection === "udp") - Number(b.connection === "udp"));
    const tcpPorts = new Map<string, number>();
    for (const endpoint of ordered) {
      const address = hosts.get(endpoint.host)!;
      const treatment = (source: string): Treatment => {
        const here = faultsFor(source);
        if (here.some((f) => f.kind === "hang" && f.host === endpoint.host && f.port === endpoint.port)) return { kind: "hang" };
        const slow = here.find((f) => f.kind === "slow");
        return slow?.kind === "slow" ? { kind: "delay", ms: slow.delayMs } : { kind: "answer" };
      };
      const samePort = endpoint.connection === "udp" ? tcpPorts.get(`${endpoint.host}:${endpoint.port}`) : undefined;
      endpoint.listener = await startListener({
        kind: endpoint.connection as ListenerKind,
        address,
        treatment,
        ...(samePort !== undefined ? { port: samePort } : {}),
        ...(endpoint.connection === "tls" || endpoint.connection === "https" ? { credentials: credentials.get(endpoint.host)! } : {}),
      });
      started.push(endpoint.listener);
      if (endpoint.connection !== "udp") tcpPorts.set(`${endpoint.host}:${endpoint.port}`, endpoint.listener.port);
    }
    const closed = new Map<string, number>();
    for (const [host, address] of hosts) closed.set(host, await closedPort(address));

    const dns = await startLabDns({
      records: hosts,
      nxdomain: (source, name) => faultsFor(source).some((f) => f.kind === "nxdomain" && f.host === name),
    });
    started.push(dns);

    const networkFor = (region: string): LabRegionNetwork => {
      const localAddress = labRegionAddress(region, options.regions);
      const routes: LabRegionNetwork["routes"] = {};
      for (const [key, port] of tcpPorts) routes[key] = { port, note: `lab stand-in for ${key}` };
      for (const endpoint of endpoints.values()) {
        const key = `${endpoint.host}:${endpoint.port}`;
        if (!routes[key] && endpoint.listener) routes[key] = { port: endpoint.listener.port, note: `lab stand-in for ${key}` };
      }
      for (const fault of faultsFor(localAddress)) {
        if (fault.kind !== "refused") continue;
        routes[`${fault.host}:${fault.port}`] = { port: closed.get(fault.host) ?? 0, note: `lab fault: ${describeFault(fault)}` };
      }
      return { region, localAddress, dnsServer: dns.server, ca: [ca.certPem], routes, closed: Object.fromEntries(closed) };
    };

    return {
      dnsServer: dns.server,
      caPem: ca.certPem,
      checks,
      skipped,
      rows,
      faults,
      hosts,
      dnsQueries: dns.queries,
      regionAddress: (region) => labRegionAddress(region, options.regions),
      networkFor,
      contextFor: (region) => labContext(networkFor(region)),
      async stop() {
        await Promise.allSettled(started.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw error;
  }
}


/** Which listeners the checks need, which address each host gets, and which checks the lab cannot emulate. */
function layout(input: Check[]) {
  const endpoints = new Map<string, Endpoint>();
  const hosts = new Map<string, string>();
  const checks: Check[] = [];
  const skipped: SkippedCheck[] = [];
  const addressOf = (host: string) => {
    if (hosts.has(host)) return;
    if (isIP(host)) return void hosts.set(host, host);
    const index = hosts.size;
    hosts.set(host, `127.77.${Math.floor(index / 250)}.${(index % 250) + 1}`);
  };
  for (const check of input) {
    let target: Target;
    try {
      target = parseTarget(check.target);
    } catch (error) {
      skipped.push({ checkId: check.checkId, target: check.target, reason: (error as Error).message });
      continue;
    }
    const need = needOf(target);
    if ("reason" in need) {
      skipped.push({ checkId: check.checkId, target: check.target, reason: need.reason });
      continue;
    }
    const host = need.host.toLowerCase().replace(/\.$/, "");
    addressOf(host);
    for (const port of need.ports) {
      const key = need.connection === "udp" ? `udp|${host}:${port}` : `${host}:${port}`;
      const existing = endpoints.get(key);
      if (!existing) endpoints.set(key, { host, port, connection: need.connection });
      else if (STRENGTH[need.connection] > STRENGTH[existing.connection]) existing.connection = need.connection;
    }
    checks.push(check);
  }
  return { endpoints, hosts, checks, skipped };
}

/** A listener that speaks the stronger protocol also answers the weaker probes (https ⊃ tls ⊃ tcp). */
const STRENGTH = { tcp: 0, http: 1, tls: 2, https: 3, udp: 0 } as const;

/** The listening ports a target needs (a range: its stand-in's open ports), or why the lab cannot stand in for it. */
function needOf(target: Target): { host: string; ports: number[]; connection: ListenerKind } | { reason: string } {
  if (target.kind === "dns") return { reason: "lab: dns targets name their own resolver; the lab only answers through its responder" };
  const host = target.host;
  if (isIP(host) && !host.startsWith("127.")) {
    return { reason: `lab: ${host} is a literal address outside loopback; the lab cannot stand in for it` };
  }
  switch (target.kind) {
    case "tcp":
      if (target.portEnd === undefined) return { host, ports: [target.port], connection: "tcp" };
      return { host, ports: RANGE_STAND_INS[`${target.port}-${target.portEnd}`]?.open ?? [target.port], connection: "tcp" };
    case "icmp":
      return { host, ports: [target.fallbackPort], connection: "tcp" };
    case "tls":
      return { host, ports: [target.port], connection: "tls" };
    case "http":
      return { host, ports: [target.port], connection: target.scheme };
    case "udp":
      return { host, ports: [target.port], connection: "udp" };
  }
}

/** The plan's rows with what the lab itself cannot stand in for moved from probed to skipped. */
function withLabSkips(rows: LabRow[], skipped: SkippedCheck[]): LabRow[] {
  const reasons = new Map(skipped.map((skip) => [skip.checkId, `${skip.target}: ${skip.reason}`]));
  return rows.map((row) => ({
    ...row,
    checkIds: row.checkIds.filter((id) => !reasons.has(id)),
    skipped: [...row.skipped, ...row.checkIds.flatMap((id) => (reasons.has(id) ? [reasons.get(id)!] : []))],
  }));
}

/** The start-up banner: what the lab plans, each fault (warning of one that hits no check), each row not probed. */
function banner(log: LabOptions["log"], lab: { checks: Check[]; faults: LabFault[]; rows: LabRow[]; hosts: number; geos: LabGeos | undefined }): void {
  if (!log) return;
  const geos = Object.entries({ ...DEFAULT_LAB_GEOS, ...lab.geos }).map(([product, list]) => `${product}=${list.join(",")}`).join(";");
  log(`lab stands in for ${lab.hosts} hosts: ${lab.checks.length} checks (vendor geographies ${geos}; PROBEMESH_LAB_GEOS picks others)`);
  const targets = lab.checks.flatMap((check) => {
    try {
      return [parseTarget(check.target)];
    } catch {
      return [];
    }
  });
  for (const fault of lab.faults) {
    const idle = fault.kind !== "slow" && !targets.some((target) => faultHits(fault, target));
    log(`lab fault  ${describeFault(fault)}${idle ? " (no planned check has this host: the fault shows nowhere)" : ""}`);
  }
  const notProbed = lab.rows.filter((row) => row.checkIds.length === 0);
  if (lab.rows.length > 0) log(`lab probes ${lab.rows.length - notProbed.length} of ${lab.rows.length} catalog rows; skipped:`);
  for (const row of notProbed) {
    const reasons = row.skipped.join("; ");
    const geo = row.geo && !reasons.includes("planned geo") ? ` (planned geo: ${row.geo})` : "";
    log(`lab skip   ${row.requirementId}${geo}: ${reasons}`);
  }
}
