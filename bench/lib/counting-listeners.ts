import dgram from "node:dgram";
import net from "node:net";
import tls from "node:tls";

/** A loopback stand-in that counts what it served: connections accepted or datagrams received. */
export interface CountingListener {
  port: number;
  /** Connections accepted (tcp, tls) or datagrams received (udp) so far. */
  count(): number;
  close(): Promise<void>;
}

/** Plain TCP: accepts, counts, drains. */
export function countingTcp(host = "127.0.0.1"): Promise<CountingListener> {
  return countingStream(net.createServer({}, drain), host);
}

/** TLS: counts each TCP connection (a probe), then completes the handshake and drains. */
export function countingTls(credentials: { cert: string; key: string }, host = "127.0.0.1"): Promise<CountingListener> {
  const server = tls.createServer(credentials, drain);
  server.on("tlsClientError", () => {});
  return countingStream(server, host);
}

/** UDP echo: counts each datagram and sends it back. */
export async function countingUdp(host = "127.0.0.1"): Promise<CountingListener> {
  const socket = dgram.createSocket("udp4");
  let received = 0;
  socket.on("message", (message, remote) => {
    received++;
    socket.send(message, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, host, () => resolve());
  });
  return { port: socket.address().port, count: () => received, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

function drain(socket: net.Socket): void {
  socket.on("error", () => socket.destroy());
  socket.resume();
  socket.on("end", () => socket.end());
}

async function countingStream(server: net.Server, host: string): Promise<CountingListener> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    accepted++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, backlog: 4096 }, () => resolve());
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    count: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
