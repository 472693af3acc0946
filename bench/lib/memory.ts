import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { repoRoot, startTsChild } from "./child.js";

export interface PlanMemory {
  checks: number;
  results: number;
  /** Distinct targets among the plan's checks (each is its own probe). */
  distinctTargets: number;
  passed: number;
  /** Connections the targets accepted during the plan (the probes that really ran). */
  probesExecuted: number;
  /** Targets that accepted at least one connection. */
  targetsHit: number;
  baselineRssMb: number;
  peakRssMb: number;
  baselineHeapMb: number;
  heapDeltaMb: number;
  seconds: number;
}

export interface Counts {
  accepted: number;
  targetsHit: number;
  /** accept() failures by errno (EMFILE: the connection was completed by the kernel, then dropped unseen). */
  acceptErrors?: Record<string, number>;
  /** Most accepted sockets the target process held open at once, and its descriptor limit. */
  peakOpen?: number;
  fdLimit?: number;
}

/**
 * Runs a plan of `checks` TCP checks, each against its own loopback listener, through the engine
 * in a fresh process (bench/lib/memory-worker.ts) and reports its memory and how many probes the
 * listeners saw; a string says why not.
 */
export async function measurePlanMemory(checks: number): Promise<PlanMemory | string> {
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-memory-"));
  let targets: Awaited<ReturnType<typeof startTsChild<{ targets: string[] }>>> | undefined;
  try {
    targets = await startTsChild<{ targets: string[] }>("bench/lib/loopback-targets.ts", [String(checks)]);
    const file = join(dir, "targets.json");
    writeFileSync(file, JSON.stringify(targets.info.targets));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--expose-gc", "--import", "tsx", join(repoRoot, "bench/lib/memory-worker.ts"), file],
      { cwd: repoRoot, encoding: "utf8", timeout: 300_000, maxBuffer: 16 * 2 ** 20 },
    );
    const plan = JSON.parse(stdout.trim().split("\n").pop()!) as Omit<PlanMemory, "probesExecuted" | "targetsHit">;
    const counts = await settledCounts(targets, plan.checks);
    return { ...plan, probesExecuted: counts.accepted, targetsHit: counts.targetsHit };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    return stderr.split("\n").find((l) => /Error/.test(l)) ?? stderr.slice(0, 300);
  } finally {
    await targets?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The listeners' counts once they stop moving: the client has exited, but the serving process
 * may still be accepting the last connections from its queue. Asks until the count reaches
 * `expected` or two answers 200 ms apart agree.
 */
export async function settledCounts(targets: { child: import("node:child_process").ChildProcess }, expected: number): Promise<Counts> {
  const lines = createInterface({ input: targets.child.stdout! });
  const ask = () =>
    new Promise<Counts>((resolve) => {
      lines.once("line", (line) => resolve(JSON.parse(line) as Counts));
      targets.child.stdin!.write("count\n");
    });
  let last = await ask();
  while (last.accepted < expected) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const next = await ask();
    if (next.accepted === last.accepted) return next;
    last = next;
  }
  return last;
}
