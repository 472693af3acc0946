/**
 * The one result shape shared by the CLI, Lambda payloads, DynamoDB and the API
 *. Every probe yields exactly one of these.
 */

export const OUTCOMES = [
  "ok",
  "dns_nxdomain",
  "dns_timeout",
  "dns_error",
  "tcp_refused",
  "tcp_timeout",
  "host_unreachable",
  "tls_handshake_failed",
  "tls_cert_expired",
  "tls_cert_untrusted",
  "tls_name_mismatch",
  "http_status",
  "http_timeout",
  "udp_reply",
  "udp_closed",
  "udp_no_reply",
  "proxy_denied",
  "unsupported",
  "invalid_target",
  "tls_cert_expiring",
] as const;

/** Why a probe ended the way it did. */
export type Outcome = (typeof OUTCOMES)[number];

/** pass / fail / inconclusive: a UDP port that stays silent is never a pass. */
export type Status = "pass" | "fail" | "inconclusive";

export const KINDS = ["tcp", "tls", "http", "dns", "udp", "icmp"] as const;
/** Probe kind, taken from the target URI scheme (`https` probes are kind `http`). */
export type Kind = (typeof KINDS)[number];

export type Expectation = "reachable" | "blocked";

/** Phase timings in milliseconds; a phase that did not happen is absent. */
export interface Phases {
  dnsMs?: number;
  connectMs?: number;
  tlsMs?: number;
  firstByteMs?: number;
}

/** One probe result. */
export interface ProbeResult {
  checkId: string;
  target: string;
  kind: Kind;
  region: string;
  /** ISO-8601 start time of the probe. */
  at: string;
  status: Status;
  outcome: Outcome;
  durationMs: number;
  phases: Phases;
  remoteAddress?: string;
  egressIp?: string;
  detail?: Record<string, unknown>;
  expect?: Expectation;
}

/**
 * "10.0.0.2 ok, 10.0.0.5 host_unreachable" for a result that probed every address of a name
 * (`detail.addresses`), with "fd00::5 no route" for each address it had no route to (`detail.unroutedAddresses`);
 * undefined for a result of one address.
 */
export function addressOutcomes(result: Pick<ProbeResult, "detail"> & Partial<Pick<ProbeResult, "remoteAddress" | "outcome">>): string | undefined {
  const addresses = result.detail?.addresses;
  const unrouted = result.detail?.unroutedAddresses;
  const skipped = Array.isArray(unrouted) ? unrouted.map((address) => `${String(address)} no route`) : [];
  let probed: string[] = [];
  if (Array.isArray(addresses) && addresses.length > 1) {
    probed = addresses.map((entry: { address?: unknown; outcome?: unknown; scanned?: unknown }) => `${String(entry.address)} ${entry.outcome === undefined ? (entry.scanned ? "scanned" : "not scanned") : String(entry.outcome)}`);
  } else if (skipped.length > 0 && result.remoteAddress) probed = [`${result.remoteAddress} ${result.outcome ?? ""}`.trim()];
  return probed.length + skipped.length > 1 ? [...probed, ...skipped].join(", ") : undefined;
}
