/**
 * Per-region faults the lab applies, keyed by the region's source address:
 * `refused` (the region is sent to a closed port: the kernel refuses), `nxdomain` (the lab DNS
 * answers NXDOMAIN to that region), `hang` (the listener accepts but never answers: handshakes
 * time out), `slow` (every lab answer to that region is delayed).
 */
export type LabFault =
  | { kind: "refused"; region: string; host: string; port: number }
  | { kind: "nxdomain"; region: string; host: string }
  | { kind: "hang"; region: string; host: string; port: number }
  | { kind: "slow"; region: string; delayMs: number };

/** A (host, port) the lab stands in for, with the products whose checks need it. */
export interface FaultCandidate {
  host: string;
  port: number;
  connection: "tcp" | "tls" | "http" | "https" | "udp";
  products: string[];
}

export const DEFAULT_SLOW_MS = 300;

/**
 * The default regional picture: region 1 is slow and one TLS host never completes its
 * handshake there; region 2 cannot reach one port; region 3 cannot reach the same port
 * either (two regions of three: the check is down) and gets NXDOMAIN for another host.
 * Each fault picks a different host, preferring the named products so the picture spreads.
 */
export function defaultFaults(regions: string[], candidates: FaultCandidate[]): LabFault[] {
  const [slow, refused, nxdomain] = regions;
  const faults: LabFault[] = [];
  const used = new Set<string>();
  const pick = (connections: FaultCandidate["connection"][], products: string[]) => {
    const usable = candidates.filter((c) => connections.includes(c.connection) && !used.has(c.host));
    const chosen = products.map((p) => usable.find((c) => c.products.includes(p))).find(Boolean) ?? usable[0];
    if (chosen) used.add(chosen.host);
    return chosen;
  };
  const blocked = pick(["tcp", "tls", "https"], ["kong-konnect"]);
  if (blocked && refused) {
    faults.push({ kind: "refused", region: refused, host: blocked.host, port: blocked.port });
    if (nxdomain) faults.push({ kind: "refused", region: nxdomain, host: blocked.host, port: blocked.port });
  }
  const missing = pick(["tcp", "tls", "https", "http", "udp"], ["strongdm"]);
  if (missing && nxdomain) faults.push({ kind: "nxdomain", region: nxdomain, host: missing.host });
  if (slow) {
    faults.push({ kind: "slow", region: slow, delayMs: DEFAULT_SLOW_MS });
    const stuck = pick(["tls", "https"], ["auth0-private-cloud", "circleci-server"]);
    if (stuck) faults.push({ kind: "hang", region: slow, host: stuck.host, port: stuck.port });
  }
  return faults;
}

/** One line per fault, for the mesh's start-up banner and for result notes. */
export function describeFault(fault: LabFault): string {
  switch (fault.kind) {
    case "refused":
      return `${fault.region}: ${fault.host}:${fault.port} refused (sent to a closed lab port)`;
    case "nxdomain":
      return `${fault.region}: ${fault.host} answers NXDOMAIN`;
    case "hang":
      return `${fault.region}: ${fault.host}:${fault.port} accepts but never answers`;
    case "slow":
      return `${fault.region}: every lab answer delayed ${fault.delayMs} ms`;
  }
}
