import type { Expectation } from "../result/index.js";

/** DNS record types the dns prober can ask for. */
export const DNS_RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "SRV", "NS"] as const;
export type DnsRecordType = (typeof DNS_RECORD_TYPES)[number];

interface TargetBase {
  /** Present when the URI says `?expect=…`; absent means "reachable". */
  expect?: Expectation;
  /** `?addresses=first`: probe only the first address a host name resolves to (default: every address). */
  addresses?: "first";
}

/** `tcp://host:443` or a range `tcp://host:64535-65535` (then `portEnd` is set). */
export interface TcpTarget extends TargetBase {
  kind: "tcp";
  host: string;
  port: number;
  portEnd?: number;
}

/** `tls://host:443?servername=x&ca=file` */
export interface TlsTarget extends TargetBase {
  kind: "tls";
  host: string;
  port: number;
  servername?: string;
  /** Path of a PEM file with extra trusted CAs. */
  caFile?: string;
  /** `?certMinDays=N`: a leaf certificate expiring within N days is `tls_cert_expiring` (0 turns it off). */
  certMinDays?: number;
  /** `?groups=X25519MLKEM768:X25519`: the key-exchange groups the ClientHello offers, in order (the probe's own list otherwise). */
  groups?: string;
}

/** `http://…` / `https://…?expect=200-399`; every other query parameter stays in `path`. */
export interface HttpTarget extends TargetBase {
  kind: "http";
  scheme: "http" | "https";
  host: string;
  port: number;
  /** Path plus the query string sent to the server (probemesh's own parameters removed). */
  path: string;
  /** Accepted status range, inclusive; default 200-399. */
  status: { min: number; max: number };
  servername?: string;
  caFile?: string;
  /** https only: as `TlsTarget.certMinDays`. */
  certMinDays?: number;
  /** https only: as `TlsTarget.groups`. */
  groups?: string;
}

/** `dns://resolver:port/name?type=A`; no resolver (`dns:///name`) means the system resolver. */
export interface DnsTarget extends TargetBase {
  kind: "dns";
  resolver?: { host: string; port: number };
  name: string;
  recordType: DnsRecordType;
}

/** `udp://host:53?payload=hex` */
export interface UdpTarget extends TargetBase {
  kind: "udp";
  host: string;
  port: number;
  /** Lower-case hex of the datagram to send; empty string sends an empty datagram. */
  payloadHex: string;
}

/** `icmp://host[?port=443]`: `port` is the one the labelled TCP fallback connects to. */
export interface IcmpTarget extends TargetBase {
  kind: "icmp";
  host: string;
  fallbackPort: number;
}

/** A parsed target URI. */
export type Target = TcpTarget | TlsTarget | HttpTarget | DnsTarget | UdpTarget | IcmpTarget;

/** The status range an http target accepts when its URI gives none. */
export const DEFAULT_STATUS: Readonly<{ min: number; max: number }> = { min: 200, max: 399 };
