import { isIP } from "node:net";
import * as net from "node:net";
import type { Check } from "@probemesh/core/check";
import { createCA, issueCert } from "@probemesh/core/pki";
import { dnsLookup, type ProbeContext } from "@probemesh/core/probers";
import { parseTarget, type Target } from "@probemesh/core/target";
import { startLabDns } from "./dns.js";
import { defaultFaults, describeFault, type FaultCandidate, type LabFault } from "./faults.js";
import { closedPort, startListener, type LabListener, type ListenerKind, type Treatment } from "./listeners.js";

export { defaultFaults, describeFault, type LabFault } from "./faults.js";

/**
 * The lab: loopback stand-ins for the vendors' hosts, so the mesh runs with no network beyond
 * 127.0.0.0/8 and no root. Each host name gets its own 127.77.x.y address from the lab DNS;
 * each (host, real port) a listener on a free port ≥ 1024 that `dial` maps to (results keep the
 * real port in the target and carry the lab port in `detail`). Regions probe from their own
 * source address, and the lab applies per-region faults by that address.
 */

export interface LabOptions {
  checks: Check[];
  regions: string[];
  /** Default: `defaultFaults(regions, …)`. */
  faults?: LabFault[];
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
  faults: LabFault[];
  /** DNS queries answered, by source address. */
  dnsQueries: ReadonlyMap<string, number>;
  /** Host name → lab address. */
  hosts: ReadonlyMap<string, string>;
  /** The region's own source address (us-east-1 127.0.0.11, eu-west-1 127.0.0.12, …). */
  regionAddress(region: string): string;
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

/**
 * The lab DNS answers at once; a longer client timeout only absorbs event-loop lag of the
 * one process that hosts the lab and all regions (TLS context set-up can stall it for seconds).
 */
const LAB_DNS_TIMEOUT_MS = 5000;

interface Endpoint extends FaultCandidate {
  listener?: LabListener;
}

/** Starts the lab DNS responder and one listener per (host, port) the checks need. */
export async function startLab(options: LabOptions): Promise<Lab> {
  const { endpoints, hosts, checks, skipped } = layout(options.checks);
  const faults = options.faults ?? defaultFaults(options.regions, [...endpoints.values()]);
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

    const dial = (region: string) => (host: string, port: number) => {
      const name = host.toLowerCase().replace(/\.$/, "");
      const address = labRegionAddress(region, options.regions);
      const refused = faultsFor(address).find((f) => f.kind === "refused" && f.host === name && f.port === port);
      const closedHere = closed.get(name) ?? 0;
      if (refused) return { port: closedHere, note: `lab fault: ${describeFault(refused)}` };
      const listener = tcpPorts.get(`${name}:${port}`) ?? endpoints.get(`udp|${name}:${port}`)?.listener?.port;
      if (listener !== undefined) return { port: listener, note: `lab stand-in for ${name}:${port}` };
      return { port: closedHere, note: `no lab stand-in for ${name}:${port}: dialled a closed lab port` };
    };

    return {
      dnsServer: dns.server,
      caPem: ca.certPem,
      checks,
      skipped,
      faults,
      hosts,
      dnsQueries: dns.queries,
      regionAddress: (region) => labRegionAddress(region, options.regions),
      contextFor(region) {
        const localAddress = labRegionAddress(region, options.regions);
        return {
          region,
          localAddress,
          lookup: dnsLookup({ server: dns.server, localAddress, timeoutMs: LAB_DNS_TIMEOUT_MS }),
          dial: dial(region),
          ca: [ca.certPem],
          connect: loopbackOnly,
        };
      },
      async stop() {
        await Promise.allSettled(started.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw error;
  }
}

/** The lab never leaves loopback, whatever a check says. */
const loopbackOnly: ProbeContext["connect"] = ({ host, port, localAddress }) => {
  if (!host.startsWith("127.")) {
    throw Object.assign(new Error(`lab: ${host} is outside loopback; the lab does not leave 127.0.0.0/8`), { outcome: "invalid_target" });
  }
  return net.connect(localAddress ? { host, port, localAddress } : { host, port });
};

/** Which listeners the checks need, which address each host gets, and which checks the lab cannot emulate. */
function layout(input: Check[]) {
  const endpoints = new Map<string, Endpoint>();
  const hosts = new Map<string, string>();
  const checks: Check[] = [];
  const skipped: SkippedCheck[] = [];
  const addressOf = (host: string) => {
    if (!hosts.has(host)) {
      if (isIP(host)) return void hosts.set(host, host);
      const index = hosts.size;
      hosts.set(host, `127.77.${Math.floor(index / 250)}.${(index % 250) + 1}`);
    }
    return hosts.get(host)!;
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
    const key = need.connection === "udp" ? `udp|${host}:${need.port}` : `${host}:${need.port}`;
    const existing = endpoints.get(key);
    const product = check.product ?? "";
    if (!existing) {
      endpoints.set(key, { host, port: need.port, connection: need.connection, products: product ? [product] : [] });
    } else {
      if (STRENGTH[need.connection] > STRENGTH[existing.connection]) existing.connection = need.connection;
      if (product && !existing.products.includes(product)) existing.products.push(product);
    }
    checks.push(check);
  }
  return { endpoints, hosts, checks, skipped };
}

/** A listener that speaks the stronger protocol also answers the weaker probes (https ⊃ tls ⊃ tcp). */
const STRENGTH = { tcp: 0, http: 1, tls: 2, https: 3, udp: 0 } as const;

function needOf(target: Target): { host: string; port: number; connection: FaultCandidate["connection"] } | { reason: string } {
  if (target.kind === "dns") return { reason: "lab: dns targets name their own resolver; the lab only answers through its responder" };
  const host = target.host;
  if (isIP(host) && !host.startsWith("127.")) {
    return { reason: `lab: ${host} is a literal address outside loopback; the lab cannot stand in for it` };
  }
  switch (target.kind) {
    case "tcp":
      return { host, port: target.port, connection: "tcp" };
    case "icmp":
      return { host, port: target.fallbackPort, connection: "tcp" };
    case "tls":
      return { host, port: target.port, connection: "tls" };
    case "http":
      return { host, port: target.port, connection: target.scheme };
    case "udp":
      return { host, port: target.port, connection: "udp" };
  }
}
