/**
 * Whole-process scans across a link between two namespaces, as an operator runs them: `probemesh check
 * tcp://host:from-to --json` against `nmap -sT -n -Pn -T4`, both timed from process start to exit, on
 * - a veth pair where the target's firewall (nftables input rule in the target namespace) silently drops
 *   536 ports of 64535-65535 (`scan-filtered`), and the full range 1-65535 on the same path;
 * - the timing bench's TUN link with 10 ms each way (20 ms RTT) and the same firewall.
 * Both tools must report exactly the same open / closed / filtered counts.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { repoRoot, startTsChild } from "./lib/child.js";
import { createDelayLink, type DelayLink } from "./lib/delay-link.js";
import { createNamespace, ip, ipIn, type Namespace } from "./lib/netns.js";
import { nmapConnectScan, nmapMissing } from "./lib/nmap.js";
import type { Row } from "./lib/report.js";

const CLIENT_IP = "10.78.0.1";
const SERVER_IP = "10.78.0.2";
const LISTENING = [22, 80, 443, 8080, 65200, 65535];
/** 536 ports of 64535-65535 that the target's firewall drops without an answer. */
const DROPPED = { from: 64535, to: 65070 };
const ONE_WAY_MS = 10;

interface Counts { open: number; closed: number; filtered: number }

/** `probemesh check URI --json` inside `ns`, wall time of the whole process. */
function probemeshCheck(ns: string, uri: string): Promise<{ wallMs: number; counts: Counts; open: number[] }> {
  const argv = ["netns", "exec", ns, process.execPath, join(repoRoot, "packages/cli/bin/probemesh.js"), "check", uri, "--json"];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile("ip", argv, { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - started;
      // Exit 1 is a failing check (filtered ports fail the range); anything else is a broken run.
      if (error && error.code !== 1) return reject(new Error(`probemesh check failed: ${stderr || error.message}`));
      const parsed = JSON.parse(stdout) as { results?: { target: string; detail?: Record<string, unknown> }[] } | { target: string; detail?: Record<string, unknown> }[];
      const results = Array.isArray(parsed) ? parsed : (parsed.results ?? []);
      const detail = results.find((r) => r.target === uri)?.detail ?? {};
      resolve({ wallMs, counts: { open: Number(detail.open), closed: Number(detail.closed), filtered: Number(detail.filtered) }, open: (detail.openPorts as number[]) ?? [] });
    });
  });
}

async function withTopology<T>(delayed: boolean, run: (client: Namespace, link: DelayLink | undefined) => Promise<T>): Promise<T> {
  const tag = process.pid.toString(36);
  const client = createNamespace(`pmb-sc-${tag}`);
  const server = createNamespace(`pmb-ss-${tag}`);
  let link: DelayLink | undefined;
  try {
    if (delayed) {
      link = await createDelayLink({ client: client.name, server: server.name, clientIp: CLIENT_IP, serverIp: SERVER_IP, oneWayMs: ONE_WAY_MS });
    } else {
      ip("link", "add", "pmbsc0", "netns", client.name, "type", "veth", "peer", "name", "pmbss0", "netns", server.name);
      for (const [ns, dev, local] of [[client.name, "pmbsc0", CLIENT_IP], [server.name, "pmbss0", SERVER_IP]] as const) {
        ipIn(ns, "addr", "add", `${local}/24`, "dev", dev);
        ipIn(ns, "link", "set", dev, "up");
      }
    }
    await nft(server.name, `table inet pmb_scan {\n chain input {\n  type filter hook input priority 0; policy accept;\n  tcp dport ${DROPPED.from}-${DROPPED.to} drop\n }\n}\n`);
    const listeners = await startTsChild<number[]>("bench/lib/listeners.ts", [SERVER_IP, ...LISTENING.map(String)], server.name);
    try {
      return await run(client, link);
    } finally {
      await listeners.stop();
    }
  } finally {
    await link?.close();
    client.remove();
    server.remove();
  }
}

function nft(ns: string, ruleset: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile("ip", ["netns", "exec", ns, "nft", "-f", "-"], (error, _out, stderr) => (error ? reject(new Error(`nft: ${stderr}`)) : resolve()));
    child.stdin!.end(ruleset);
  });
}

/** The whole-process rows; empty (with a reason) when nmap is missing. */
export async function pathScanRows(section: string, quick: boolean, log: (line: string) => void): Promise<{ rows: Row[]; skipped: string[]; raw: unknown[] }> {
  const why = nmapMissing();
  if (why) return { rows: [], skipped: [`scan-filtered: ${why}`], raw: [] };
  const cases: { metric: string; range: string; delayed: boolean; goal: number }[] = [
    { metric: "scan-filtered 64535-65535 (536 dropped)", range: "64535-65535", delayed: false, goal: 1.0 },
    ...(quick ? [] : [
      { metric: "scan 1-65535 (536 dropped)", range: "1-65535", delayed: false, goal: 0.5 },
      { metric: `scan-filtered 64535-65535 (536 dropped), ${2 * ONE_WAY_MS} ms RTT`, range: "64535-65535", delayed: true, goal: 1.0 },
    ]),
  ];
  const rows: Row[] = [];
  const raw: unknown[] = [];
  const skipped: string[] = [];
  for (const delayed of [false, true]) {
    const mine = cases.filter((c) => c.delayed === delayed);
    if (!mine.length) continue;
    await withTopology(delayed, async (client, link) => {
      if (delayed && link?.kind !== "tun-delay") skipped.push(`scan over a delayed link: ${link?.note ?? "no delay link"}`);
      for (const c of mine) {
        const [from, to] = c.range.split("-").map(Number) as [number, number];
        const pm = await probemeshCheck(client.name, `tcp://${SERVER_IP}:${c.range}`);
        const nmap = await nmapConnectScan(SERVER_IP, c.range, client.name);
        const nmapCounts: Counts = { open: nmap.counts.open ?? 0, closed: nmap.counts.closed ?? 0, filtered: nmap.counts.filtered ?? 0 };
        const same = pm.counts.open === nmapCounts.open && pm.counts.closed === nmapCounts.closed && pm.counts.filtered === nmapCounts.filtered;
        const ports = to - from + 1;
        const ratio = nmap.wallMs / pm.wallMs;
        log(`${c.metric}: probemesh ${pm.wallMs.toFixed(0)} ms ${JSON.stringify(pm.counts)}, nmap ${nmap.wallMs.toFixed(0)} ms ${JSON.stringify(nmapCounts)}`);
        raw.push({ ...c, probemesh: pm, nmap });
        rows.push({
          section, metric: `${c.metric} whole-process ports/s`, value: ports / (pm.wallMs / 1000), unit: "/s",
          baseline: `nmap ${nmap.version} -sT -n -Pn -T4 (whole process)`, baselineValue: ports / (nmap.wallMs / 1000), ratio,
          goal: `≥ ${c.goal.toFixed(1)} (time ≤ ${(1 / c.goal).toFixed(1)}× nmap), same counts`, pass: same && ratio >= c.goal,
          note: `probemesh ${pm.wallMs.toFixed(0)} ms open/closed/filtered ${pm.counts.open}/${pm.counts.closed}/${pm.counts.filtered}, nmap ${nmap.wallMs.toFixed(0)} ms ${nmapCounts.open}/${nmapCounts.closed}/${nmapCounts.filtered}`,
        });
      }
    });
  }
  return { rows, skipped, raw };
}
