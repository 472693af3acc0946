import * as dgram from "node:dgram";
import * as http from "node:http";
import * as https from "node:https";
import * as net from "node:net";
import * as tls from "node:tls";

/** What a lab listener does for one client, decided by the client's source address (its region). */
export type Treatment = { kind: "answer" } | { kind: "delay"; ms: number } | { kind: "hang" };

/** The protocol a lab listener speaks. */
export type ListenerKind = "tcp" | "tls" | "http" | "https" | "udp";

export interface ListenerOptions {
  kind: ListenerKind;
  /** Lab address to bind (the host's 127.x address). */
  address: string;
  /** Port to bind; default a free one. */
  port?: number;
  /** PEM cert + key, for tls and https. */
  credentials?: { cert: string; key: string };
  treatment: (source: string) => Treatment;
}

export interface LabListener {
  kind: ListenerKind;
  address: string;
  port: number;
  close(): Promise<void>;
}

/** How long the lab keeps an idle accepted connection before dropping it. */
const IDLE_MS = 30_000;

/**
 * One vendor stand-in on `address:freePort`. A raw TCP server accepts every connection and, per
 * the client's treatment, hands it on at once, after a delay (slow region) or never (a handshake
 * that never completes) to the protocol server: TLS handshake, HTTP 200, or just an open socket.
 */
export async function startListener(options: ListenerOptions): Promise<LabListener> {
  if (options.kind === "udp") return startUdpListener(options);
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const protocol = protocolServer(options);
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    const treatment = options.treatment(normalize(socket.remoteAddress));
    const handOn = () => {
      if (protocol) protocol.emit("connection", socket);
    };
    if (treatment.kind === "hang") return;
    if (treatment.kind === "delay") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!socket.destroyed) handOn();
      }, treatment.ms);
      timers.add(timer);
      return;
    }
    handOn();
  });
  await listen(server, options.address, options.port);
  return {
    kind: options.kind,
    address: options.address,
    port: (server.address() as net.AddressInfo).port,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The server a delayed connection is handed to; plain tcp needs none (the open socket is the answer). */
function protocolServer(options: ListenerOptions): net.Server | undefined {
  const reply = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(200, { "content-type": "text/plain", server: "probemesh-lab" }).end("probemesh lab stand-in\n");
  };
  switch (options.kind) {
    case "tls": {
      const server = tls.createServer(requireCredentials(options), (socket) => {
        socket.on("error", () => socket.destroy());
        socket.resume();
      });
      server.on("tlsClientError", () => {});
      return server;
    }
    case "https": {
      const server = https.createServer(requireCredentials(options), reply);
      server.on("tlsClientError", () => {});
      return server;
    }
    case "http":
      return http.createServer(reply);
    default:
      return undefined;
  }
}

function requireCredentials(options: ListenerOptions): { cert: string; key: string } {
  if (!options.credentials) throw new Error(`a ${options.kind} lab listener needs a certificate`);
  return options.credentials;
}

/** UDP stand-in: echoes every datagram back (after the region's delay; never for `hang`). */
async function startUdpListener(options: ListenerOptions): Promise<LabListener> {
  const socket = dgram.createSocket("udp4");
  const timers = new Set<NodeJS.Timeout>();
  socket.on("message", (message, remote) => {
    const treatment = options.treatment(remote.address);
    if (treatment.kind === "hang") return;
    const send = () => socket.send(message.length > 0 ? message : Buffer.from("lab"), remote.port, remote.address);
    if (treatment.kind === "answer") return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, treatment.ms);
    timers.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port ?? 0, options.address, () => resolve());
  });
  return {
    kind: "udp",
    address: options.address,
    port: socket.address().port,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** A TCP port on `address` with nothing listening: connecting to it is refused by the kernel. */
export async function closedPort(address: string): Promise<number> {
  const server = net.createServer();
  await listen(server, address);
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function listen(server: net.Server, address: string, port = 0): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve());
  });
}

function normalize(address: string | undefined): string {
  return (address ?? "").replace(/^::ffff:/, "");
}
