/**
 * DynamoDB Local listens on the host's loopback, which a process inside a test namespace cannot
 * reach. A Unix socket is not bound to a network namespace, so the host side exposes DynamoDB
 * Local on a socket file and the region worker (inside its namespace) exposes that socket on its
 * own 127.0.0.1 — no packet leaves loopback on either side.
 */
import net from "node:net";

/** Host side: a Unix socket at `path` piped to `host:port`. */
export async function serveTcpOnUnixSocket(path: string, host: string, port: number): Promise<{ close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ host, port });
    sockets.add(inbound).add(outbound);
    pipeBoth(inbound, outbound, sockets);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, resolve);
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Namespace side: 127.0.0.1:<free port> piped to the Unix socket at `path`; resolves the port. */
export async function serveUnixSocketOnLoopback(path: string): Promise<{ port: number; close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((inbound) => {
    const outbound = net.connect({ path });
    sockets.add(inbound).add(outbound);
    pipeBoth(inbound, outbound, sockets);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}

function pipeBoth(a: net.Socket, b: net.Socket, sockets: Set<net.Socket>): void {
  a.pipe(b).pipe(a);
  for (const socket of [a, b]) {
    socket.on("error", () => {
      a.destroy();
      b.destroy();
    });
    socket.on("close", () => {
      sockets.delete(socket);
      (socket === a ? b : a).end();
    });
  }
}
