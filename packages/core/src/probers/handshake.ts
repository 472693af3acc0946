/**
 * The TLS handshake on a connected socket and what it tells of the certificate: the one home of the
 * handshake that the tls prober, the http prober's https path and the TLS worker pool (tls-pool.ts) share.
 */
import { readFile } from "node:fs/promises";
import { isIP, type Socket } from "node:net";
import * as tls from "node:tls";
import type { Outcome } from "../result/index.js";
import type { HttpTarget } from "../target/index.js";
import { lap, ProbeFailure } from "./common.js";
import { canRequest, exchangeWithin, type Exchanged } from "./exchange.js";
import type { ProbeContext } from "./types.js";

const EXPIRY_ERRORS = new Set(["CERT_HAS_EXPIRED", "CERT_NOT_YET_VALID"]);
const NAME_ERRORS = new Set(["ERR_TLS_CERT_ALTNAME_INVALID", "HOSTNAME_MISMATCH"]);
const DAY_MS = 86_400_000;
/** A leaf certificate expiring within this many days fails as `tls_cert_expiring`. */
export const DEFAULT_CERT_MIN_DAYS = 14;

/** What the handshake showed: protocol, cipher and the peer certificate's identity. */
export interface Handshake {
  socket: tls.TLSSocket;
  tlsMs: number;
  /** `ok` or the tls_* outcome the certificate deserves. */
  outcome: Outcome;
  detail: Record<string, unknown>;
}

/** CAs trusted on top of the system roots for a probe: `ctx.ca` + the target's `ca=` file (undefined: roots only). */
export async function trustedCas(ctx: ProbeContext, caFile: string | undefined): Promise<string[] | undefined> {
  if (!caFile) return ctx.ca?.length ? ctx.ca : undefined;
  const extra = [...(ctx.ca ?? [])];
  try {
    extra.push(await readFile(caFile, "utf8"));
  } catch (error) {
    throw new ProbeFailure("invalid_target", { error: `cannot read ca file ${caFile}: ${(error as Error).message}` });
  }
  return extra;
}

// Key-exchange groups a probe offers: Go's crypto/tls default list (what blackbox_exporter offers), not
// Node 24's X25519MLKEM768 hybrid first. A probe carries no secret worth post-quantum protection, and the
// hybrid costs the client a second key share (~0.5 ms of CPU per handshake on Node 24) and the server more.
const PROBE_GROUPS = "X25519:P-256:P-384:P-521";

// Building a SecureContext costs ~1 ms of CPU even for the system roots alone (node builds one per
// connection when none is given), and ~90 ms when extra CAs make it parse the roots again. The lab and a
// profile's `ca=` reuse the same few CA lists, so build each trust store once. Keyed by the extra CAs only
// (the roots never change in a process), so a probe does not hash the ~200 KB of root PEMs.
const secureContexts = new Map<string, tls.SecureContext>();
const MAX_CACHED_CONTEXTS = 32;

/**
 * The cached context trusting the system roots plus `extraCas` (undefined: node's default trust, roots and
 * NODE_EXTRA_CA_CERTS), offering `groups` (a target's `groups=`) or PROBE_GROUPS. A group this OpenSSL does not
 * know is the target's mistake on this host: `invalid_target`, saying so.
 */
function secureContextFor(extraCas: string[] | undefined, groups = PROBE_GROUPS): tls.SecureContext {
  const key = `${groups}${extraCas === undefined ? "" : `+${extraCas.join("\n")}`}`;
  let context = secureContexts.get(key);
  if (!context) {
    if (secureContexts.size >= MAX_CACHED_CONTEXTS) secureContexts.delete(secureContexts.keys().next().value!);
    try {
      context = tls.createSecureContext({ ecdhCurve: groups, ...(extraCas ? { ca: [...tls.rootCertificates, ...extraCas] } : {}) });
    } catch (error) {
      throw new ProbeFailure("invalid_target", { error: `groups=${groups}: this process's OpenSSL ${process.versions.openssl} does not offer them (${(error as Error).message})` });
    }
    secureContexts.set(key, context);
  }
  return context;
}

/** What a probe asks of the handshake: the name to check, the CAs beyond the roots, the groups, ALPN, certMinDays. */
export interface HandshakeAsk {
  name: string;
  servername?: string;
  ca: string[] | undefined;
  /** The target's `groups=` (the probe's own list when absent). */
  groups?: string;
  /** ALPN protocols offered (https: `http/1.1`). */
  alpn?: string[];
  certMinDays?: number;
}

/** A probe's TLS part as plain data (a pool worker hands it back): the handshake and, for https, the GET's end. */
export interface Secured {
  shook: { tlsMs: number; outcome: Outcome; detail: Record<string, unknown> };
  exchanged?: Exchanged;
}

/**
 * The handshake and, given a `request` and a handshake whose outcome lets it be made, the GET over it; the
 * connection is closed either way. The one sequence of tls and https probes, in this thread or in a pool worker.
 */
export async function secureAndGet(socket: Socket, ask: HandshakeAsk, remainingMs: () => number, signal: AbortSignal | undefined, request?: HttpTarget): Promise<Secured> {
  const shook = await handshake(socket, { ...ask, timeoutMs: remainingMs(), ...(signal ? { signal } : {}) });
  const summary = { tlsMs: shook.tlsMs, outcome: shook.outcome, detail: shook.detail };
  if (!request || !canRequest(shook.outcome)) {
    closeTls(shook.socket);
    return { shook: summary };
  }
  return { shook: summary, exchanged: await exchangeWithin(shook.socket, request, remainingMs(), signal) };
}

/**
 * TLS handshake over an already connected socket. The certificate is checked by hand (not by
 * `rejectUnauthorized`) so an expired, untrusted or misnamed certificate still shows what it is.
 * `tlsMs` runs from the ClientHello (written by `tls.connect` itself on a connected socket) to the end of
 * the handshake; setting up the TLS socket before it and the certificate checks after it are local CPU, not handshake.
 */
export function handshake(socket: Socket, opts: HandshakeAsk & { timeoutMs: number; signal?: AbortSignal }): Promise<Handshake> {
  const nameToCheck = opts.servername ?? opts.name;
  let secureContext: tls.SecureContext;
  try {
    secureContext = secureContextFor(opts.ca, opts.groups);
  } catch (error) {
    socket.destroy();
    return Promise.reject(error);
  }
  return new Promise((resolve, reject) => {
    let peerCert: tls.PeerCertificate | undefined;
    const secure = tls.connect({
      socket,
      // SNI must not carry an IP literal (RFC 6066); the name check below still covers IP SANs.
      ...(isIP(nameToCheck) ? {} : { servername: nameToCheck }),
      secureContext,
      ...(opts.alpn ? { ALPNProtocols: opts.alpn } : {}),
      rejectUnauthorized: false,
      // For a trusted chain node turns the certificate into an object and calls this before
      // 'secureConnect': keep that object and check the name below, once the handshake time is taken.
      checkServerIdentity: (_host, cert) => {
        peerCert = cert;
        return undefined;
      },
    });
    // Node asks for the detailed certificate (every chain certificate copied, re-parsed and turned into an
    // object, the issuer looked up in the trust store: about a fifth of a handshake's client CPU in the rate
    // bench) only to hand it to checkServerIdentity. The leaf alone has all the name check and the result use.
    secure.getPeerCertificate = leafCertificate as tls.TLSSocket["getPeerCertificate"];
    const stop = lap();
    let tlsMs: number | undefined;
    // 'secure' is node's own handshake-done event (OpenSSL finished; its Finished is queued to go out);
    // 'secureConnect' follows it after node's certificate bookkeeping, which listening first keeps out of tlsMs.
    secure.prependOnceListener("secure", () => {
      tlsMs ??= stop();
    });
    const finish = (failure?: ProbeFailure) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      secure.off("error", onError);
      if (failure) {
        secure.destroy();
        socket.destroy();
        reject(failure);
      }
    };
    const onError = (error: Error & { code?: string }) =>
      finish(new ProbeFailure("tls_handshake_failed", { tlsMs: stop(), ...(error.code ? { errno: error.code } : {}), error: error.message }));
    const onAbort = () => finish(new ProbeFailure("tls_handshake_failed", { tlsMs: stop(), error: "handshake timed out" }));
    const timer = setTimeout(onAbort, opts.timeoutMs);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    secure.once("error", onError);
    secure.once("secureConnect", () => {
      tlsMs ??= stop();
      finish();
      const cert = peerCert ?? secure.getPeerCertificate();
      const authorizationError = secure.authorizationError ? String(secure.authorizationError) : nameError(nameToCheck, cert);
      // Whole days, toward zero: 5 d 1 h left is 5, expired 1 d 3 h ago is -1.
      const daysLeft = cert?.valid_to ? Math.trunc((Date.parse(cert.valid_to) - Date.now()) / DAY_MS) + 0 : undefined;
      const outcome = certificateOutcome(authorizationError, cert);
      const expiring = outcome === "ok" && cert?.valid_to !== undefined && Date.parse(cert.valid_to) - Date.now() < (opts.certMinDays ?? DEFAULT_CERT_MIN_DAYS) * DAY_MS;
      const group = (secure.getEphemeralKeyInfo() as { name?: string } | null)?.name;
      resolve({
        socket: secure,
        tlsMs,
        outcome: expiring ? "tls_cert_expiring" : outcome,
        detail: {
          protocol: secure.getProtocol(),
          cipher: secure.getCipher()?.name,
          // The key exchange the probe got (X25519 unless the server only speaks a NIST curve): see PROBE_GROUPS.
          ...(group ? { group } : {}),
          ...(secure.alpnProtocol ? { alpn: secure.alpnProtocol } : {}),
          ...(nameToCheck !== opts.name ? { servername: nameToCheck } : {}),
          ...(authorizationError ? { authorizationError } : {}),
          cert: describeCertificate(cert),
          ...(daysLeft === undefined ? {} : { daysLeft }),
          ...(expiring ? { certMinDays: opts.certMinDays ?? DEFAULT_CERT_MIN_DAYS } : {}),
        },
      });
    });
  });
}

function leafCertificate(this: tls.TLSSocket): tls.PeerCertificate {
  return tls.TLSSocket.prototype.getPeerCertificate.call(this, false);
}

/**
 * Ends a probe's TLS connection as a client should: the Finished that OpenSSL has queued, then
 * close_notify and FIN. A plain `destroy()` right after the handshake never sent the Finished, so every
 * probe showed up in the server's logs as a failed handshake. Does not wait for the server to close.
 */
export function closeTls(socket: tls.TLSSocket): void {
  socket.destroySoon();
}

/** The name check node does for a trusted chain (its error code, as node reports it in `authorizationError`). */
function nameError(name: string, cert: tls.PeerCertificate): string | undefined {
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const error = tls.checkServerIdentity(name, cert) as (Error & { code?: string }) | undefined;
  return error ? (error.code ?? error.message) : undefined;
}

/** Expiry wins over trust, trust over name: the first thing an operator has to fix. */
function certificateOutcome(authorizationError: string | undefined, cert: tls.PeerCertificate): Outcome {
  if (!authorizationError) return "ok";
  if (EXPIRY_ERRORS.has(authorizationError) || (cert.valid_to && Date.parse(cert.valid_to) < Date.now())) return "tls_cert_expired";
  if (NAME_ERRORS.has(authorizationError)) return "tls_name_mismatch";
  return "tls_cert_untrusted";
}

function describeCertificate(cert: tls.PeerCertificate): Record<string, unknown> {
  if (!cert || Object.keys(cert).length === 0) return {};
  return {
    subject: distinguishedName(cert.subject),
    san: cert.subjectaltname ? cert.subjectaltname.split(", ") : [],
    issuer: distinguishedName(cert.issuer),
    validFrom: new Date(cert.valid_from).toISOString(),
    validTo: new Date(cert.valid_to).toISOString(),
    serialNumber: cert.serialNumber,
    fingerprint256: cert.fingerprint256,
  };
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(", ");
}
