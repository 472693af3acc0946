import type * as dgram from "node:dgram";
import type * as net from "node:net";
import type { ProbeResult } from "../result/index.js";
import type { Target } from "../target/index.js";

/**
 * Resolves a host name to addresses. Every name resolution of every prober goes through it, so the lab
 * DNS, the SSRF guard and tests can inject their own. Reject with an error whose `code` is `ENOTFOUND`
 * (NXDOMAIN), `ETIMEOUT` (the resolver heard nothing: timeout) or anything else, `EAI_AGAIN` included (dns_error).
 */
export type LookupFn = (hostname: string) => Promise<{ address: string; family: 4 | 6 }[]>;

/** Options of one TCP connect: always an IP literal. */
export interface ConnectOptions {
  host: string;
  port: number;
  localAddress?: string;
}

/**
 * Opens a TCP socket. A connect that is node's own `net.connect` behind a synchronous check says so with
 * `allows`: true when it would hand these options to `net.connect`. A prober may then open that socket in a
 * worker thread (tls-pool.ts) after asking `allows` here; without `allows` every socket opens through the function.
 */
export type ConnectFn = ((opts: ConnectOptions) => net.Socket) & { allows?: (opts: ConnectOptions) => boolean };

/** Everything a prober may use to touch the network; `defaultContext` fills node's defaults. */
export interface ProbeContext {
  /** Probe region label put in results. */
  region: string;
  checkId: string;
  /** Per-probe time budget (per port for a range scan). */
  timeoutMs: number;
  /** ALL name resolution goes through this (lab DNS, SSRF guard, tests inject it). */
  lookup: LookupFn;
  /**
   * The one address a probe of `host` uses instead of a lookup: set by addresses.ts for each address of a
   * name it resolved once (the lookup's time is its own, so a pinned probe reports no dnsMs).
   */
  pinned?: { host: string; address: string; family: 4 | 6 };
  /**
   * ALL TCP sockets (also under tls/http and to a proxy) are opened through this, always with an IP
   * already resolved, so a guard can re-check the address at connect time (DNS rebinding). It may throw
   * (or emit `error`); an error carrying an `outcome` property (e.g. "invalid_target") is reported as such.
   */
  connect: ConnectFn;
  /** ALL UDP sockets (udp and dns probers). */
  udpSocket: (type: "udp4" | "udp6") => dgram.Socket;
  /** Source address of this region (lab workers each bind their own 127.x). */
  localAddress?: string;
  /**
   * Lab port map: probe real port P but dial the lab port; results keep the real port in `target`
   * and record the dialled one in `detail.labPort` (and `note` in `detail.labNote`).
   */
  dial?: (host: string, port: number) => { port: number; note?: string };
  /** Extra trusted CA PEMs (the lab CA), added to the system roots. */
  ca?: string[];
  /** `http://host:port` forward proxy: tcp/tls/http probes go through HTTP CONNECT. */
  proxy?: string;
  /** Aborting ends the probe early (the engine's deadline). */
  signal?: AbortSignal;
  now?: () => Date;
  /** A leaf certificate expiring within this many days is `tls_cert_expiring` unless the target says otherwise (default 14). */
  certMinDays?: number;
  /**
   * `false`: single connects learn nothing from their destinations and each gets the whole budget in one
   * try (a fixed timeout, as before timing.ts); the rounds bench's baseline. Default: on.
   */
  connectHistory?: boolean;
  /** Concurrent connects of a tcp port-range scan (default 200). */
  rangeConcurrency?: number;
}

/** One function type for every probe kind (blackbox_exporter's prober/ style). */
export type Prober = (target: Target, ctx: ProbeContext) => Promise<ProbeResult[]>;
