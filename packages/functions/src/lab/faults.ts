import type { Outcome } from "@probemesh/core/result";
import type { Target } from "@probemesh/core/target";

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

/** A fault without its region. */
export type FaultSpec = LabFault extends infer F ? (F extends LabFault ? Omit<F, "region"> : never) : never;

export type Verdict = "up" | "degraded" | "down" | "unknown";

/** One fault of the lab's picture and what a newcomer sees of it: the README's fault table is rendered from these. */
export interface DocumentedFault {
  /** Regions by position in the region list: 0 = the first (us-east-1 with the defaults). */
  at: number[];
  fault: FaultSpec;
  /** Outcome of every check the fault hits, in the faulted regions; none when nothing fails (slow). */
  outcome?: Outcome;
  /** Verdict of every check the fault hits, with the default three regions and quorum (2 of 3). */
  verdict: Verdict;
  /** What the user sees (README). */
  sees: string;
}

export const DEFAULT_SLOW_MS = 300;

/**
 * The lab's faults: the one place they are written down. Each targets a host every geography
 * planned by PROBEMESH_LAB_GEOS has (a customer host or a vendor host of every geo), so the
 * picture is the same whatever geographies a newcomer picks.
 */
export const LAB_FAULTS: readonly DocumentedFault[] = [
  {
    at: [1, 2],
    fault: { kind: "refused", host: "kong-cp.lab.example", port: 443 },
    outcome: "tcp_refused",
    verdict: "down",
    sees: "`tcp_refused`, verdict **down** (quorum 2 of 3)",
  },
  {
    at: [2],
    fault: { kind: "nxdomain", host: "sdm-gateway.lab.example" },
    outcome: "dns_nxdomain",
    verdict: "degraded",
    sees: "`dns_nxdomain` on each StrongDM gateway row, verdict **degraded**",
  },
  {
    at: [0],
    fault: { kind: "hang", host: "cloud.konghq.com", port: 443 },
    outcome: "tls_handshake_failed",
    verdict: "degraded",
    sees: "`tls_handshake_failed` (the handshake times out), verdict **degraded**",
  },
  {
    at: [0],
    fault: { kind: "slow", delayMs: DEFAULT_SLOW_MS },
    verdict: "up",
    sees: "higher latency (TLS and HTTP phases), still **up**",
  },
];

/** Not a fault, but not `up` either: rows a probe function cannot judge in any region. */
export const LAB_UNJUDGED = {
  kind: "icmp",
  outcome: "unsupported",
  verdict: "unknown",
  what: "none: ICMP rows (Lambda cannot send ICMP)",
  sees: "`unsupported` (inconclusive; the TCP fallback in `detail`), verdict **unknown**",
} as const satisfies { kind: Target["kind"]; outcome: Outcome; verdict: Verdict; what: string; sees: string };

/** The documented faults placed on `regions` by position (positions beyond the list are dropped). */
export function labFaults(regions: readonly string[], documented: readonly DocumentedFault[] = LAB_FAULTS): LabFault[] {
  return documented.flatMap(({ at, fault }) =>
    at.flatMap((position) => (regions[position] ? [{ ...fault, region: regions[position] } as LabFault] : [])),
  );
}

/** Whether `fault` makes a probe of `target` fail (slow never does; a hang stalls handshakes, not a bare connect). */
export function faultHits(fault: FaultSpec, target: Target): boolean {
  if (fault.kind === "slow" || target.kind === "dns" || target.kind === "icmp") return false;
  if (target.host.toLowerCase() !== fault.host) return false;
  if (fault.kind === "nxdomain") return true;
  if (target.kind === "udp" || target.port !== fault.port) return false;
  if (fault.kind === "hang") return target.kind === "tls" || (target.kind === "http" && target.scheme === "https");
  return true;
}

/** What the lab does, without the region. */
export function describeSpec(fault: FaultSpec): string {
  switch (fault.kind) {
    case "refused":
      return `\`${fault.host}:${fault.port}\` sent to a closed port`;
    case "nxdomain":
      return `lab DNS answers NXDOMAIN for \`${fault.host}\``;
    case "hang":
      return `\`${fault.host}:${fault.port}\` accepts but never answers`;
    case "slow":
      return `every lab answer ${fault.delayMs} ms late`;
  }
}

/** One line per fault, for the mesh's start-up banner and for result notes. */
export function describeFault(fault: LabFault): string {
  const { region, ...spec } = fault;
  return `${region}: ${describeSpec(spec as FaultSpec).replaceAll("`", "")}`;
}

/** The README's fault table for `regions` (default: the three default regions). */
export function labFaultTable(regions: readonly string[]): string {
  const rows = LAB_FAULTS.map(({ at, fault, sees }) => `| ${at.map((p) => regions[p]).join(", ")} | ${describeSpec(fault)} | ${sees} |`);
  rows.push(`| every region | ${LAB_UNJUDGED.what} | ${LAB_UNJUDGED.sees} |`);
  return ["| region | lab fault | what you see |", "| --- | --- | --- |", ...rows].join("\n");
}
