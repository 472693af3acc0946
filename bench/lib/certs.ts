import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A throwaway CA and one server certificate, as PEM files on disk (blackbox_exporter reads files). */
export interface BenchCerts {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
  cert: string;
  key: string;
  remove(): void;
}

/**
 * Makes the bench's TLS material with the openssl CLI, independent of probemesh's own PKI code,
 * so that a bug there cannot flatter the numbers. `ips` and `names` go into the SAN.
 */
export function makeCerts(ips: string[], names: string[] = ["bench.test"]): BenchCerts {
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-certs-"));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "90",
    "-subj", "/CN=probemesh bench CA", "-keyout", file("ca.key"), "-out", file("ca.pem"));
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-subj", `/CN=${names[0] ?? "bench.test"}`, "-keyout", file("server.key"), "-out", file("server.csr"));
  const san = [...ips.map((ip) => `IP:${ip}`), ...names.map((n) => `DNS:${n}`)].join(",");
  writeFileSync(file("ext.cnf"), `subjectAltName=${san}\n`);
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"),
    "-CAcreateserial", "-days", "90", "-extfile", file("ext.cnf"), "-out", file("server.pem"));
  return {
    dir,
    caFile: file("ca.pem"),
    certFile: file("server.pem"),
    keyFile: file("server.key"),
    ca: readFileSync(file("ca.pem"), "utf8"),
    cert: readFileSync(file("server.pem"), "utf8"),
    key: readFileSync(file("server.key"), "utf8"),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
