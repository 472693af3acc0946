/**
 * The "raw Node" baselines: the least code that does each probe's network work with
 * Node's own modules — no parsing, no result objects, no timings. probemesh's probers
 * are compared against these at the same concurrency.
 */
import dgram from "node:dgram";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import dnsPacket from "dns-packet";

export function rawTcpConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export function rawTlsHandshake(host: string, port: number, ca: string, servername: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host, port, ca, servername });
    socket.once("secureConnect", () => {
      // Like the prober (and blackbox_exporter): the client's Finished and close_notify go out before the socket closes.
      socket.destroySoon();
      resolve(socket.authorized);
    });
    socket.once("error", () => resolve(false));
  });
}

export function rawHttpGet(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode === 200));
    });
    req.once("error", () => resolve(false));
  });
}

export function rawHttpsGet(url: string, ca: string, servername: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get(url, { agent: false, ca, servername }, (res) => {
      res.resume();
      res.once("end", () => resolve(res.statusCode === 200));
    });
    req.once("error", () => resolve(false));
  });
}

export function rawDnsQuery(server: string, port: number, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const id = (Math.random() * 65535) | 0;
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 5000);
    socket.once("error", () => done(false));
    socket.on("message", (msg) => {
      const reply = dnsPacket.decode(msg);
      if (reply.id === id) done((reply.answers?.length ?? 0) > 0);
    });
    socket.send(
      dnsPacket.encode({ id, type: "query", flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "A", name }] }),
      port,
      server,
    );
  });
}
