/**
 * Probe rate on loopback for tcp connect, TLS handshake, HTTP GET, HTTPS GET and DNS query: probemesh's
 * `probe()` against a raw Node loop doing the same network work, and against Debian's
 * prometheus-blackbox-exporter driven through /probe, all at the same concurrency, against
 * the same servers (a separate process), in interleaved rounds so that drift in the shared
 * machine's load hits every contender alike. Each row also gives the CPU each side spent per
 * probe (client process, and the servers' process), which says why a ratio is what it is. The client's
 * CPU is the whole process's (process.cpuUsage: every thread, so the TLS worker pool's threads too).
 */
import { blackboxMissing, startBlackbox, type Blackbox } from "./lib/blackbox.js";
import { makeCerts } from "./lib/certs.js";
import { startTsChild } from "./lib/child.js";
import { cpuMsOfPid, cpuMsOfSelf, measureRate, type RateSample } from "./lib/rate.js";
import { rawDnsQuery, rawHttpGet, rawHttpsGet, rawTcpConnect, rawTlsHandshake } from "./lib/raw-probes.js";
import { median, type Row, type Section } from "./lib/report.js";
import type { TargetPorts } from "./lib/target-servers.js";

const HOST = "127.0.0.1";
const NAME = "bench.test";
const KINDS = ["tcp", "tls", "http", "https", "dns"] as const;
type Kind = (typeof KINDS)[number];
type Contender = "probemesh" | "raw node" | "blackbox_exporter";

export const rate: Section = async ({ quick, log }) => {
  const section = "rate";
  const concurrency = 16;
  const durationMs = quick ? 1000 : 3000;
  const rounds = quick ? 1 : 3;
  const skipped: string[] = [];
  const { probe, defaultContext } = await import("@probemesh/core/probers");
  const certs = makeCerts([HOST], [NAME]);
  const servers = await startTsChild<TargetPorts>("bench/lib/target-servers.ts", [
    JSON.stringify({ host: HOST, certFile: certs.certFile, keyFile: certs.keyFile }),
  ]);
  const ports = servers.info;
  let blackbox: Blackbox | undefined;
  const missing = blackboxMissing();
  if (missing) skipped.push(`rate vs blackbox_exporter: ${missing}`);
  else blackbox = await startBlackbox({ dir: certs.dir, caFile: certs.caFile, servername: NAME, dnsName: NAME, concurrency });

  const context = defaultContext({ ca: [certs.ca], timeoutMs: 5000 });
  const uri: Record<Kind, string> = {
    tcp: `tcp://${HOST}:${ports.tcp}`,
    tls: `tls://${HOST}:${ports.tls}?servername=${NAME}`,
    http: `http://${HOST}:${ports.http}/`,
    https: `https://${HOST}:${ports.https}/?servername=${NAME}`,
    dns: `dns://${HOST}:${ports.dns}/${NAME}?type=A`,
  };
  const rawOp: Record<Kind, () => Promise<boolean>> = {
    tcp: () => rawTcpConnect(HOST, ports.tcp),
    tls: () => rawTlsHandshake(HOST, ports.tls, certs.ca, NAME),
    http: () => rawHttpGet(uri.http),
    https: () => rawHttpsGet(`https://${HOST}:${ports.https}/`, certs.ca, NAME),
    dns: () => rawDnsQuery(HOST, ports.dns, NAME),
  };
  const blackboxTarget: Record<Kind, string> = {
    tcp: `${HOST}:${ports.tcp}`,
    tls: `${HOST}:${ports.tls}`,
    http: uri.http,
    https: `https://${HOST}:${ports.https}/`,
    dns: `${HOST}:${ports.dns}`,
  };
  const rows: Row[] = [];
  const raw: Record<string, Record<string, RateSample[]>> = {};
  try {
    for (const kind of KINDS) {
      const ops: [Contender, () => Promise<boolean>][] = [
        ["raw node", rawOp[kind]],
        ["probemesh", async () => (await probe(uri[kind], context)).every((r) => r.status === "pass")],
      ];
      if (blackbox) ops.push(["blackbox_exporter", () => blackbox!.probe(kind, blackboxTarget[kind])]);
      const samples: Record<string, RateSample[]> = Object.fromEntries(ops.map(([name]) => [name, []]));
      for (let round = 0; round < rounds; round++) {
        // Rotate who goes first: the first contender of a round meets a colder machine and port table.
        for (let i = 0; i < ops.length; i++) {
          const [name, op] = ops[(round + i) % ops.length]!;
          // The client's CPU is this process's; blackbox_exporter's adds its own process (this one only sends it HTTP requests).
          const client = name === "blackbox_exporter" ? () => cpuMsOfSelf() + cpuMsOfPid(blackbox!.pid) : cpuMsOfSelf;
          const meters = { client, server: () => cpuMsOfPid(servers.child.pid!) };
          samples[name]!.push(await measureRate(op, { concurrency, durationMs, meters }));
        }
      }
      raw[kind] = samples;
      const perSecond = (name: string) => median(samples[name]?.map((s) => s.perSecond) ?? []);
      const failures = (name: string) => samples[name]!.reduce((n, s) => n + s.failures, 0);
      for (const [name] of ops) {
        if (failures(name) > 0) skipped.push(`rate ${kind} ${name}: ${failures(name)} failed operations (${samples[name]!.find((s) => s.firstError)?.firstError})`);
      }
      const cpu = (name: string, meter: string) => median(samples[name]?.map((s) => s.cpuMsPerOp?.[meter] ?? NaN) ?? []);
      const cpuNote = (name: string) => `CPU ms per probe, probemesh vs ${name}: client ${cpu("probemesh", "client").toFixed(3)} vs ${cpu(name, "client").toFixed(3)}, server ${cpu("probemesh", "server").toFixed(3)} vs ${cpu(name, "server").toFixed(3)}`;
      const pm = perSecond("probemesh");
      log(`${kind}: probemesh ${pm.toFixed(0)}/s, raw ${perSecond("raw node").toFixed(0)}/s` + (blackbox ? `, blackbox ${perSecond("blackbox_exporter").toFixed(0)}/s` : ""));
      const valid = failures("probemesh") === 0;
      rows.push({ section, metric: `${kind} probes/s (c=${concurrency})`, value: pm, unit: "/s", baseline: "raw node loop", baselineValue: perSecond("raw node"), ratio: pm / perSecond("raw node"), goal: "≥ 0.8", pass: valid && pm / perSecond("raw node") >= 0.8, note: cpuNote("raw node") });
      if (blackbox) {
        const bb = perSecond("blackbox_exporter");
        // TLS (issue 17): 1.2× Go's rate on the same machine, spending no more client CPU per handshake than Go does.
        const tlsGoal = kind === "tls";
        const cpuOk = !tlsGoal || cpu("probemesh", "client") <= cpu("blackbox_exporter", "client");
        const least = tlsGoal ? 1.2 : 1;
        rows.push({ section, metric: `${kind} probes/s (c=${concurrency})`, value: pm, unit: "/s", baseline: `blackbox_exporter ${blackbox.version}`, baselineValue: bb, ratio: pm / bb, goal: tlsGoal ? "≥ 1.2, client CPU/probe ≤ Go's" : "≥ 1.0", pass: valid && failures("blackbox_exporter") === 0 && pm / bb >= least && cpuOk, note: cpuNote("blackbox_exporter") });
      }
    }
  } finally {
    await blackbox?.stop();
    await servers.stop();
    certs.remove();
  }
  return { section, rows, skipped, raw: { concurrency, durationMs, rounds, samples: raw } };
};
