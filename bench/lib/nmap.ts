/** Runs Debian's nmap as the port-scan baseline (`nmap -sT`, connect scan, no root tricks). */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";

export const NMAP_BIN = "/usr/bin/nmap";

export interface NmapScan {
  version: string;
  open: number[];
  /** Ports per state, from the ports it listed and its extraports counts. */
  counts: Record<string, number>;
  /** nmap's own scan time (runstats elapsed, 10 ms resolution). */
  elapsedMs: number;
  /** Wall time of the nmap process, start-up included. */
  wallMs: number;
  args: string[];
}

export function nmapMissing(): string | null {
  return existsSync(NMAP_BIN) ? null : `${NMAP_BIN} not installed (Debian package nmap)`;
}

/** `nmap -sT -n -Pn -T4 -p RANGE HOST`, optionally inside `netns`; open ports parsed from -oX. */
export function nmapConnectScan(host: string, range: string, netns?: string): Promise<NmapScan> {
  const args = ["-sT", "-n", "-Pn", "-T4", "-p", range, "--open", "-oX", "-", host];
  const [cmd, ...argv] = netns ? ["ip", "netns", "exec", netns, NMAP_BIN, ...args] : [NMAP_BIN, ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(cmd!, argv, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const wallMs = performance.now() - started;
      if (error) return reject(new Error(`nmap failed: ${stderr || error.message}`));
      const counts: Record<string, number> = {};
      for (const m of stdout.matchAll(/<extraports state="([\w|]+)" count="(\d+)"/g)) counts[m[1]!] = (counts[m[1]!] ?? 0) + Number(m[2]);
      for (const m of stdout.matchAll(/<port protocol="tcp" portid="\d+"><state state="([\w|]+)"/g)) counts[m[1]!] = (counts[m[1]!] ?? 0) + 1;
      const open = [...stdout.matchAll(/<port protocol="tcp" portid="(\d+)"><state state="open"/g)].map((m) => Number(m[1]));
      const elapsed = stdout.match(/<finished [^>]*elapsed="([\d.]+)"/)?.[1];
      const version = stdout.match(/<nmaprun [^>]*\sversion="([^"]+)"/)?.[1] ?? "?";
      resolve({ version, counts, open: open.sort((a, b) => a - b), elapsedMs: Number(elapsed) * 1000, wallMs, args });
    });
  });
}
