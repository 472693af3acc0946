/**
 * Port-range scan: probemesh's `tcp://host:from-to` against `nmap -sT` on the same ranges,
 * inside a namespace the bench creates (never the host's loopback, which carries services
 * that are not ours), with a few listeners in it. Both must find exactly the same open ports.
 */
import { startTsChild } from "./lib/child.js";
import { createNamespace, netnsMissing, type Namespace } from "./lib/netns.js";
import { nmapConnectScan, nmapMissing, type NmapScan } from "./lib/nmap.js";
import { type Row, type Section } from "./lib/report.js";
import { pathScanRows } from "./scan-paths.js";

const HOST = "127.0.0.1";
const OPEN_PORTS = [22, 80, 443, 8080, 30000, 64600, 65000, 65535];

interface ProbemeshScan {
  open: number[];
  elapsedMs: number;
  summary: unknown;
  results: number;
}

export const scan: Section = async ({ quick, log }) => {
  const section = "scan";
  const why = netnsMissing();
  if (why) return { section, rows: [], skipped: [`port scan: ${why}`] };
  const ranges = quick ? ["64535-65535"] : ["64535-65535", "1-65535"];
  const skipped: string[] = [];
  const nmapWhy = nmapMissing();
  if (nmapWhy) skipped.push(`scan vs nmap: ${nmapWhy}`);
  let ns: Namespace | undefined;
  const rows: Row[] = [];
  const raw: Record<string, { probemesh: ProbemeshScan; nmap?: NmapScan; expected: number[] }> = {};
  try {
    ns = createNamespace(`pmb-scan-${process.pid.toString(36)}`);
    const listeners = await startTsChild<number[]>("bench/lib/listeners.ts", [HOST, ...OPEN_PORTS.map(String)], ns.name);
    try {
      for (const range of ranges) {
        const [from, to] = range.split("-").map(Number) as [number, number];
        const expected = OPEN_PORTS.filter((p) => p >= from && p <= to);
        const worker = await startTsChild<ProbemeshScan>("bench/lib/scan-worker.ts", [`tcp://${HOST}:${range}`], ns.name);
        await worker.stop();
        const pm = worker.info;
        const nmap = nmapWhy ? undefined : await nmapConnectScan(HOST, range, ns.name);
        raw[range] = { probemesh: pm, ...(nmap ? { nmap } : {}), expected };
        const same = (a: number[]) => a.length === expected.length && a.every((p, i) => p === expected[i]);
        log(`${range}: probemesh ${pm.elapsedMs.toFixed(0)} ms open=[${pm.open}]` + (nmap ? `, nmap ${nmap.elapsedMs.toFixed(0)} ms open=[${nmap.open}]` : ""));
        const found = `probemesh found [${pm.open.join(",")}]` + (nmap ? `, nmap [${nmap.open.join(",")}]` : "") + `, listening [${expected.join(",")}]`;
        const ports = to - from + 1;
        const pmRate = ports / (pm.elapsedMs / 1000);
        if (nmap) {
          const nmapRate = ports / (nmap.elapsedMs / 1000);
          rows.push({ section, metric: `scan ${range} ports/s`, value: pmRate, unit: "/s", baseline: `nmap ${nmap.version} ${nmap.args.slice(0, 4).join(" ")}`, baselineValue: nmapRate, ratio: pmRate / nmapRate, goal: "same open ports", pass: same(pm.open) && same(nmap.open), note: found });
        } else {
          rows.push({ section, metric: `scan ${range} ports/s`, value: pmRate, unit: "/s", goal: "same open ports", pass: same(pm.open), note: found });
        }
      }
    } finally {
      await listeners.stop();
    }
  } finally {
    ns?.remove();
  }
  const paths = await pathScanRows(section, quick, log);
  rows.push(...paths.rows);
  skipped.push(...paths.skipped);
  return { section, rows, skipped, raw: { ...raw, paths: paths.raw } };
};
