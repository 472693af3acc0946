/**
 * Drives Debian's prometheus-blackbox-exporter as a baseline: started on a loopback port
 * with a config written here, probed through its /probe endpoint (how Prometheus uses it).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import { join } from "node:path";
import { sleep } from "./rate.js";
import { stopChild } from "./child.js";

export const BLACKBOX_BIN = "/usr/bin/prometheus-blackbox-exporter";

export interface Blackbox {
  version: string;
  /** The exporter's process, for its CPU time. */
  pid: number;
  /** Runs one probe; true when the exporter reports probe_success 1. */
  probe(module: "tcp" | "tls" | "http" | "https" | "dns", target: string): Promise<boolean>;
  stop(): Promise<void>;
}

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Returns why the exporter cannot run here, or null when it can. */
export function blackboxMissing(): string | null {
  return existsSync(BLACKBOX_BIN) ? null : `${BLACKBOX_BIN} not installed (Debian package prometheus-blackbox-exporter)`;
}

export async function startBlackbox(opts: {
  dir: string;
  caFile: string;
  servername: string;
  dnsName: string;
  concurrency: number;
}): Promise<Blackbox> {
  const config = join(opts.dir, "blackbox.yml");
  writeFileSync(
    config,
    [
      "modules:",
      "  tcp: { prober: tcp, timeout: 5s, tcp: { preferred_ip_protocol: ip4 } }",
      `  tls: { prober: tcp, timeout: 5s, tcp: { preferred_ip_protocol: ip4, tls: true, tls_config: { ca_file: "${opts.caFile}", server_name: "${opts.servername}" } } }`,
      "  http: { prober: http, timeout: 5s, http: { preferred_ip_protocol: ip4 } }",
      `  https: { prober: http, timeout: 5s, http: { preferred_ip_protocol: ip4, tls_config: { ca_file: "${opts.caFile}", server_name: "${opts.servername}" } } }`,
      `  dns: { prober: dns, timeout: 5s, dns: { preferred_ip_protocol: ip4, transport_protocol: udp, query_name: "${opts.dnsName}", query_type: A, valid_rcodes: [NOERROR] } }`,
      "",
    ].join("\n"),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    BLACKBOX_BIN,
    [`--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=error"],
    { stdio: ["pipe", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const get = (path: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path, agent }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        })
        .once("error", reject);
    });
  for (let attempt = 0; ; attempt++) {
    try {
      if ((await get("/-/healthy")).status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (attempt > 100 || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`blackbox_exporter did not start: ${stderr.slice(-500)}`);
    }
    await sleep(50);
  }
  const version = (await get("/metrics")).body.match(/blackbox_exporter_build_info\{[^}]*version="([^"]+)"/)?.[1] ?? "?";
  return {
    version,
    pid: child.pid!,
    probe: async (module, target) => {
      const { body } = await get(`/probe?module=${module}&target=${encodeURIComponent(target)}`);
      return /^probe_success 1$/m.test(body);
    },
    stop: async () => {
      agent.destroy();
      child.kill("SIGTERM");
      await stopChild(child);
    },
  };
}
