/**
 * Small real listeners on loopback for the prober tests (and the lab): TCP, TLS, HTTP, a DNS
 * responder, UDP echo, a CONNECT proxy. Each returns its port and an async `close`.
 */
import * as dgram from "node:dgram";
import * as http from "node:http";
import * as net from "node:net";
import * as tls from "node:tls";
import dnsPacket from "dns-packet";
import { createCA, issueCert, type CertificateAuthority } from "../../pki/index.js";

export interface Listening {
  port: number;
  close: () => Promise<void>;
}

const LOOPBACK = "127.0.0.1";

function listenTcp(server: net.Server, host = LOOPBACK): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("secureConnection", (socket: net.Socket) => socket.on("error", () => {}));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Accepts connections and closes them. */
export function tcpListener(host = LOOPBACK): Promise<Listening> {
  return listenTcp(net.createServer((socket) => socket.end()), host);
}

/** A port that was just free: listened on, then closed (connects get ECONNREFUSED). */
export async function closedTcpPort(): Promise<number> {
  const listener = await tcpListener();
  await listener.close();
  return listener.port;
}

/** Accepts TCP and then writes bytes that are not TLS, so a handshake fails. */
export function garbageListener(): Promise<Listening> {
  return listenTcp(net.createServer((socket) => socket.end("SSH-2.0-not-tls\r\n")));
}

/** TLS listener with the given certificate; completes handshakes and closes. */
export function tlsListener(pems: { certPem: string; keyPem: string }): Promise<Listening> {
  return listenTcp(tls.createServer({ cert: pems.certPem, key: pems.keyPem }, (socket) => socket.end()));
}

/** HTTP (or HTTPS with `pems`) server with the given handler. */
export function httpListener(handler: http.RequestListener, pems?: { certPem: string; keyPem: string }): Promise<Listening> {
  if (!pems) return listenTcp(http.createServer(handler));
  return listenTcp(tls.createServer({ cert: pems.certPem, key: pems.keyPem, ALPNProtocols: ["http/1.1"] }, (socket) => {
    http.createServer(handler).emit("connection", socket);
  }));
}

/**
 * HTTP forward proxy answering CONNECT: tunnels to the requested host:port, or refuses with
 * `deny` (403, 407…) without opening anything. Names are looked up in `hosts` only (never the system
 * resolver); an unknown name gets 502.
 */
export function connectProxy(options: { deny?: number; hosts?: Record<string, string> } = {}): Promise<Listening & { requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on("connect", (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    requests.push(req.url ?? "");
    client.on("error", () => {});
    if (options.deny) {
      client.end(`HTTP/1.1 ${options.deny} ${http.STATUS_CODES[options.deny] ?? "Denied"}\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const url = new URL(`http://${req.url}`);
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const address = net.isIP(host) ? host : options.hosts?.[host];
    if (!address) {
      client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n");
      return;
    }
    const upstream = net.connect(Number(url.port), address, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length) upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\n\r\n"));
  });
  return listenTcp(server).then((listening) => ({ ...listening, requests }));
}

function bindUdp(onMessage: (socket: dgram.Socket, message: Buffer, from: dgram.RemoteInfo) => void, host = LOOPBACK): Promise<Listening> {
  const socket = dgram.createSocket(net.isIP(host) === 6 ? "udp6" : "udp4");
  socket.on("message", (message, from) => onMessage(socket, message, from));
  return new Promise((resolve) => {
    socket.bind(0, host, () =>
      resolve({ port: socket.address().port, close: () => new Promise<void>((done) => socket.close(() => done())) }),
    );
  });
}

/** Echoes every datagram back. */
export function udpEcho(host = LOOPBACK): Promise<Listening> {
  return bindUdp((socket, message, from) => socket.send(message, from.port, from.address), host);
}

/** Receives and never answers: a UDP service that stays silent. */
export function udpSink(): Promise<Listening> {
  return bindUdp(() => {});
}

/** A UDP port nobody listens on (the kernel answers ICMP port unreachable). */
export async function closedUdpPort(): Promise<number> {
  const sink = await udpSink();
  await sink.close();
  return sink.port;
}

export type ZoneRecord = { type: "A" | "AAAA" | "CNAME" | "MX" | "TXT" | "SRV" | "NS"; data: unknown; ttl?: number };

/**
 * Authoritative-looking DNS responder over UDP: names in `zone` get their records (an empty list
 * is NODATA), names in `silent` are never answered, `servfail` get SERVFAIL, the rest NXDOMAIN.
 */
export function dnsResponder(zone: Record<string, ZoneRecord[]>, options: { silent?: string[]; servfail?: string[] } = {}): Promise<Listening & { queries: string[] }> {
  const queries: string[] = [];
  return bindUdp((socket, message, from) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${question.type} ${name}`);
    if (options.silent?.includes(name)) return;
    const records = zone[name];
    const rcode = options.servfail?.includes(name) ? 2 : records ? 0 : 3;
    const answers = (records ?? [])
      .filter((record) => record.type === question.type || record.type === "CNAME")
      .map((record) => ({ name: question.name, type: record.type, ttl: record.ttl ?? 60, class: "IN", data: record.data }));
    const reply = dnsPacket.encode({
      type: "response",
      id: query.id,
      // QR + RD + RA, rcode in the low nibble (dns-packet takes it from flags).
      flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | rcode,
      questions: [question],
      answers: answers as dnsPacket.Answer[],
    });
    socket.send(reply, from.port, from.address);
  }).then((listening) => ({ ...listening, queries }));
}

const DAY_MS = 86_400_000;

/** One TLS listener per certificate case the probers tell apart, all but `untrusted` issued by `ca`. */
export interface CertificateCases {
  ca: CertificateAuthority;
  /** api.lab.test and 127.0.0.1, valid. */
  good: Listening;
  /** Expires in 5 days and 1 hour: 5 whole days left. */
  expiring: Listening;
  expired: Listening;
  /** Issued by another CA. */
  untrusted: Listening;
  /** Names other.lab.test only. */
  misnamed: Listening;
  /** Answers a ClientHello with bytes that are not TLS. */
  garbage: Listening;
  close(): Promise<void>;
}

/** Starts the certificate cases (tls and tls-pool tests probe the same set). */
export async function certificateCases(): Promise<CertificateCases> {
  const ca = await createCA({ name: "probemesh lab CA" });
  const otherCa = await createCA({ name: "someone else" });
  const listeners = {
    good: await tlsListener(await issueCert(ca, { names: ["api.lab.test", "127.0.0.1"] })),
    expiring: await tlsListener(await issueCert(ca, { names: ["api.lab.test"], notAfter: new Date(Date.now() + 5 * DAY_MS + 3_600_000) })),
    expired: await tlsListener(await issueCert(ca, { names: ["api.lab.test"], notBefore: new Date(Date.now() - 30 * DAY_MS), notAfter: new Date(Date.now() - DAY_MS) })),
    untrusted: await tlsListener(await issueCert(otherCa, { names: ["api.lab.test"] })),
    misnamed: await tlsListener(await issueCert(ca, { names: ["other.lab.test"] })),
    garbage: await garbageListener(),
  };
  return { ca, ...listeners, close: async () => void (await Promise.all(Object.values(listeners).map((l) => l.close()))) };
}
