/**
 * The bench's probe targets: a TCP listener, a TLS listener, an HTTP and an HTTPS server and a DNS
 * responder on one address. Run as its own process (`tsx bench/lib/target-servers.ts`,
 * possibly under `ip netns exec`) so that serving does not compete with the measured
 * client loop for the same event loop. Prints one JSON line with the ports, then serves
 * until stdin closes.
 *
 * Options (argv JSON): { host, certFile, keyFile, httpDelayMs, dnsDelayMs, dnsPort }.
 * The delays make ground truth for first-byte and DNS timings: the server waits that long
 * before answering.
 */
import dgram from "node:dgram";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { readFileSync } from "node:fs";
import dnsPacket from "dns-packet";

export interface TargetServerOptions {
  host: string;
  certFile: string;
  keyFile: string;
  httpDelayMs?: number;
  dnsDelayMs?: number;
  dnsPort?: number;
  /** The address every A query is answered with (names starting with "nx." get NXDOMAIN). */
  answer?: string;
}

export interface TargetPorts {
  tcp: number;
  tls: number;
  http: number;
  https: number;
  dns: number;
}

const drain = (socket: net.Socket) => {
  socket.on("error", () => {});
  socket.resume();
  socket.on("end", () => socket.end());
};

function listen(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host, port: 0, backlog: 4096 }, () => resolve((server.address() as net.AddressInfo).port));
  });
}

export async function startTargetServers(opts: TargetServerOptions): Promise<{ ports: TargetPorts; close(): void }> {
  const tcpServer = net.createServer(drain);
  const tlsServer = tls.createServer(
    { cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) },
    (socket) => drain(socket),
  );
  tlsServer.on("tlsClientError", () => {});
  const page: http.RequestListener = (req, res) => {
    req.resume();
    const answer = () => res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    opts.httpDelayMs ? setTimeout(answer, opts.httpDelayMs) : answer();
  };
  const httpServer = http.createServer(page);
  httpServer.keepAliveTimeout = 1000;
  const httpsServer = https.createServer({ cert: readFileSync(opts.certFile), key: readFileSync(opts.keyFile) }, page);
  httpsServer.keepAliveTimeout = 1000;
  httpsServer.on("tlsClientError", () => {});
  const dns = dgram.createSocket("udp4");
  dns.on("message", (msg, rinfo) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(msg);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const nx = question.name.startsWith("nx.");
    const reply = dnsPacket.encode({
      id: query.id,
      type: "response",
      flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | (nx ? 3 : 0),
      questions: [question],
      answers: nx || question.type !== "A" ? [] : [{ type: "A", name: question.name, ttl: 5, data: opts.answer ?? opts.host }],
    });
    const send = () => dns.send(reply, rinfo.port, rinfo.address);
    opts.dnsDelayMs ? setTimeout(send, opts.dnsDelayMs) : send();
  });
  const dnsPort = await new Promise<number>((resolve, reject) => {
    dns.once("error", reject);
    dns.bind(opts.dnsPort ?? 0, opts.host, () => resolve(dns.address().port));
  });
  const ports = {
    tcp: await listen(tcpServer, opts.host),
    tls: await listen(tlsServer, opts.host),
    http: await listen(httpServer, opts.host),
    https: await listen(httpsServer, opts.host),
    dns: dnsPort,
  };
  return {
    ports,
    close: () => {
      tcpServer.close();
      tlsServer.close();
      httpServer.close();
      httpServer.closeAllConnections();
      httpsServer.close();
      httpsServer.closeAllConnections();
      dns.close();
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const opts = JSON.parse(process.argv[2] ?? "{}") as TargetServerOptions;
  const servers = await startTargetServers(opts);
  process.stdout.write(JSON.stringify(servers.ports) + "\n");
  process.stdin.resume();
  process.stdin.on("end", () => {
    servers.close();
    process.exit(0);
  });
}
