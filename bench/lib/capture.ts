/** tcpdump inside a namespace, writing nanosecond timestamps to a pcap file. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { onInterrupt } from "./cleanup.js";

export function tcpdumpMissing(): string | null {
  return existsSync("/usr/bin/tcpdump") || existsSync("/usr/sbin/tcpdump") ? null : "tcpdump not installed";
}

export interface Capture {
  /** Stops tcpdump (SIGINT: it flushes the file) after a short grace for packets still in the kernel's ring, and waits for it. */
  stop(): Promise<void>;
}

export async function startCapture(ns: string, dev: string, file: string, filter: string): Promise<Capture> {
  const child = spawn("ip", ["netns", "exec", ns, "tcpdump", "-i", dev, "-n", "-U", "--immediate-mode", "-w", file, "--time-stamp-precision=nano", filter], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const kill = onInterrupt(() => child.kill("SIGKILL"));
  let stderr = "";
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (d) => {
      stderr += d;
      if (stderr.includes("listening on")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`tcpdump exited with ${code}: ${stderr}`)));
  });
  child.removeAllListeners("exit");
  return {
    stop: () =>
      new Promise<void>((resolve) => setTimeout(resolve, 500)).then(() => new Promise<void>((resolve) => {
        child.once("exit", () => {
          kill();
          resolve();
        });
        child.kill("SIGINT");
      })),
  };
}
