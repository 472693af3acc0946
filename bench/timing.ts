/**
 * Timing accuracy: probemesh's connect, TLS, first-byte and DNS times, measured from inside a
 * client namespace across a link with a known delay to a server namespace, against ground
 * truth from tcpdump packet timestamps on the client's device. The HTTP and DNS servers wait
 * a known time before answering, so those phases are long enough for a 5 % goal to matter.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCapture, tcpdumpMissing } from "./lib/capture.js";
import { makeCerts } from "./lib/certs.js";
import { startTsChild } from "./lib/child.js";
import { createDelayLink, type DelayLink } from "./lib/delay-link.js";
import { clientIdleAfterConnect, connectTruth, firstByteTruth, flowTruths, tcpFlows, tlsServerFlightTruth, tlsTruth, udpExchanges, type Flow, type Truth } from "./lib/ground-truth.js";
import { createNamespace, netnsMissing, type Namespace } from "./lib/netns.js";
import { readPcap } from "./lib/pcap.js";
import { median, type Row, type Section } from "./lib/report.js";
import type { TargetPorts } from "./lib/target-servers.js";

const CLIENT_IP = "10.77.0.1";
const SERVER_IP = "10.77.0.2";
const NAME = "bench.test";
const HTTP_DELAY_MS = 40;
const DNS_DELAY_MS = 25;
const ONE_WAY_MS = 10;

type Measured = Array<{ at: string; status: string; outcome: string; phases: Record<string, number>; durationMs: number }>;

interface Comparison {
  metric: string;
  measured: number[];
  truth: number[];
}

/**
 * Pairs each passing probe with the captured exchange that began inside its run (`at` to
 * `at + durationMs`; the capture and `Date` share the system clock), so a probe that failed or
 * an exchange that was not captured cannot shift the pairing.
 */
function compare(metric: string, probes: Measured, phase: string, truths: Truth[]): Comparison {
  const measured: number[] = [];
  const truth: number[] = [];
  for (const p of probes) {
    const m = p.phases[phase];
    const at = Date.parse(p.at);
    const t = truths.find((x) => x.startMs >= at - 2 && x.startMs <= at + p.durationMs + 2);
    if (p.status === "pass" && t && m !== undefined) {
      measured.push(m);
      truth.push(t.ms);
    }
  }
  return { metric, measured, truth };
}

export const timing: Section = async ({ quick, log }) => {
  const section = "timing";
  const why = netnsMissing() ?? tcpdumpMissing();
  if (why) return { section, rows: [], skipped: [`timing accuracy: ${why}`] };
  const n = quick ? 10 : 40;
  const suffix = process.pid.toString(36);
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-timing-"));
  const certs = makeCerts([SERVER_IP], [NAME]);
  const namespaces: Namespace[] = [];
  let link: DelayLink | undefined;
  const helpers: Array<{ stop(): Promise<void> }> = [];
  try {
    const client = createNamespace(`pmb-tc-${suffix}`);
    namespaces.push(client);
    const server = createNamespace(`pmb-ts-${suffix}`);
    namespaces.push(server);
    link = await createDelayLink({ client: client.name, server: server.name, clientIp: CLIENT_IP, serverIp: SERVER_IP, oneWayMs: ONE_WAY_MS });
    log(`link: ${link.kind}, ${link.oneWayMs} ms each way`);
    const servers = await startTsChild<TargetPorts>(
      "bench/lib/target-servers.ts",
      [JSON.stringify({ host: SERVER_IP, certFile: certs.certFile, keyFile: certs.keyFile, httpDelayMs: HTTP_DELAY_MS, dnsDelayMs: DNS_DELAY_MS, dnsPort: 53 })],
      server.name,
    );
    helpers.push(servers);
    const ports = servers.info;
    const pcap = join(dir, "client.pcap");
    const capture = await startCapture(client.name, link.clientDev, pcap, `host ${SERVER_IP}`);
    const uris = {
      tcp: `tcp://${SERVER_IP}:${ports.tcp}`,
      tls: `tls://${SERVER_IP}:${ports.tls}?servername=${NAME}`,
      http: `http://${SERVER_IP}:${ports.http}/`,
      dns: `dns://${SERVER_IP}:${ports.dns}/${NAME}?type=A`,
    };
    const worker = await startTsChild<Record<string, Measured>>(
      "bench/lib/timing-worker.ts",
      [JSON.stringify({ uris, n, ca: certs.ca, gapMs: 30 })],
      client.name,
    );
    await worker.stop();
    await capture.stop();
    const probes = worker.info;
    const packets = readPcap(pcap);
    const flows = (port: number): Flow[] => tcpFlows(packets, CLIENT_IP, SERVER_IP, port);
    const tcpFlowList = flows(ports.tcp);
    const tlsFlowList = flows(ports.tls);
    const httpFlowList = flows(ports.http);
    const dnsTimes = udpExchanges(packets, CLIENT_IP, SERVER_IP, ports.dns);
    const serverFlight = compare("tls server flight", probes.tls!, "tlsMs", flowTruths(tlsFlowList, tlsServerFlightTruth));
    const comparisons = [
      compare("tcp connect", probes.tcp!, "connectMs", flowTruths(tcpFlowList, connectTruth)),
      compare("tls connect", probes.tls!, "connectMs", flowTruths(tlsFlowList, connectTruth)),
      compare("tls handshake", probes.tls!, "tlsMs", flowTruths(tlsFlowList, tlsTruth)),
      compare("http connect", probes.http!, "connectMs", flowTruths(httpFlowList, connectTruth)),
      compare(`http first byte (server waits ${HTTP_DELAY_MS} ms)`, probes.http!, "firstByteMs", flowTruths(httpFlowList, firstByteTruth)),
      compare(`dns query (server waits ${DNS_DELAY_MS} ms)`, probes.dns!, "dnsMs", dnsTimes),
    ];
    const skipped: string[] = [];
    if (link.note) skipped.push(`timing: ${link.note}`);
    const rows: Row[] = [];
    for (const c of comparisons) {
      if (c.measured.length < n / 2) {
        skipped.push(`timing ${c.metric}: only ${c.measured.length}/${n} probes could be matched to captured packets`);
        if (c.measured.length === 0) continue;
      }
      const errors = c.measured.map((m, i) => Math.abs(m - c.truth[i]!));
      const error = median(errors);
      const truth = median(c.truth);
      const allowed = Math.max(1, 0.05 * truth);
      const tlsNote = c.metric === "tls handshake" ? `; ${tlsHandshakeNote(tlsFlowList, serverFlight)}` : "";
      rows.push({ section, metric: `${c.metric}: median abs error`, value: error, unit: "ms", baseline: "tcpdump truth (median)", baselineValue: truth, ratio: error / truth, goal: `≤ max(1 ms, 5 %) = ${allowed.toFixed(2)} ms`, pass: error <= allowed, note: `measured median ${median(c.measured).toFixed(2)} ms, n=${c.measured.length}${tlsNote}` });
      log(`${c.metric}: measured ${median(c.measured).toFixed(2)} ms, truth ${truth.toFixed(2)} ms, median error ${error.toFixed(3)} ms`);
    }
    const outcomes = Object.fromEntries(Object.entries(probes).map(([kind, list]) => [kind, list.map((p) => p.outcome)]));
    return { section, rows, skipped, raw: { link: { kind: link.kind, oneWayMs: link.oneWayMs }, n, comparisons, serverFlight, outcomes, packets: packets.length } };
  } finally {
    for (const helper of helpers.reverse()) await helper.stop();
    await link?.close();
    for (const ns of namespaces.reverse()) ns.remove();
    certs.remove();
    rmSync(dir, { recursive: true, force: true });
  }
};

/** How the client's own work splits the handshake: idle before the ClientHello, and verifying the server's flight. */
function tlsHandshakeNote(flows: Flow[], serverFlight: Comparison): string {
  const idle = median(flows.map(clientIdleAfterConnect).filter((v): v is number => v !== undefined));
  const verify = median(serverFlight.measured.map((m, i) => m - serverFlight.truth[i]!));
  return `truth ends at the client's Finished; the server's last handshake packet came ${verify.toFixed(2)} ms (median) before tlsMs stopped (the client checking the server); the ClientHello left ${idle.toFixed(1)} ms after the TCP handshake`;
}
