import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./child.js";

export interface PlanMemory {
  checks: number;
  results: number;
  baselineRssMb: number;
  peakRssMb: number;
  baselineHeapMb: number;
  heapDeltaMb: number;
  seconds: number;
}

/**
 * Runs a plan of `checks` TCP checks against a loopback listener through the engine in a
 * fresh process (bench/lib/memory-worker.ts) and reports its memory; a string says why not.
 */
export function measurePlanMemory(checks: number): PlanMemory | string {
  try {
    const out = execFileSync(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(repoRoot, "bench/lib/memory-worker.ts"), String(checks)],
      { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 },
    );
    return JSON.parse(out.trim().split("\n").pop()!) as PlanMemory;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return stderr.split("\n").find((l) => /Error/.test(l)) ?? stderr.slice(0, 300);
  }
}
