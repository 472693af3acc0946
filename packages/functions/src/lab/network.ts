import { dnsLookup } from "@probemesh/core/probers";
import type { ProbeContext } from "@probemesh/core/probers";
import * as net from "node:net";

/**
 * What a probe worker needs to probe the lab from one region, as plain data: the lab lives in
 * the mesh process, and each region worker is its own process running the deployed probe
 * bundle, so the lab reaches it as a JSON file (PROBEMESH_LAB_NETWORK), not as closures.
 */
export interface LabRegionNetwork {
  region: string;
  /** The region's source address (127.0.0.11, .12, .13, …). */
  localAddress: string;
  /** The lab DNS responder, `127.0.0.1:port`. */
  dnsServer: string;
  /** The lab CA, trusted in addition to the system roots. */
  ca: string[];
  /** `host:port` as the check says it → the lab port actually dialled, and why. */
  routes: Record<string, { port: number; note: string }>;
  /** Per lab host, a port nothing listens on (refused), for what has no stand-in. */
  closed: Record<string, number>;
}

/** The lab file: one network per region. */
export type LabNetwork = Record<string, LabRegionNetwork>;

/**
 * The lab DNS answers at once; a longer client timeout only absorbs event-loop lag of a
 * loaded machine (TLS context set-up can stall a worker for a while).
 */
const LAB_DNS_TIMEOUT_MS = 5000;

/** The probe context of one region in the lab: its source address, lab DNS, port map and CA. */
export function labContext(network: LabRegionNetwork): Partial<ProbeContext> {
  const { localAddress } = network;
  return {
    region: network.region,
    localAddress,
    lookup: dnsLookup({ server: network.dnsServer, localAddress, timeoutMs: LAB_DNS_TIMEOUT_MS }),
    dial: (host, port) => {
      const name = host.toLowerCase().replace(/\.$/, "");
      const route = network.routes[`${name}:${port}`];
      if (route) return route;
      return { port: network.closed[name] ?? 0, note: `no lab stand-in for ${name}:${port}: dialled a closed lab port` };
    },
    ca: network.ca,
    connect: loopbackOnly,
  };
}

/** The lab never leaves loopback, whatever a check says. */
const loopbackOnly: ProbeContext["connect"] = Object.assign(
  ({ host, port, localAddress }: { host: string; port: number; localAddress?: string }) => {
    if (!host.startsWith("127.")) {
      throw Object.assign(new Error(`lab: ${host} is outside loopback; the lab does not leave 127.0.0.0/8`), { outcome: "invalid_target" });
    }
    return net.connect(localAddress ? { host, port, localAddress } : { host, port });
  },
  // node's connect behind the loopback check: a TLS probe may open it in a worker thread (core's tls-pool).
  { allows: ({ host }: { host: string }) => host.startsWith("127.") },
);
