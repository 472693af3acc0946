/**
 * Child process for the plan-memory figure (run with --expose-gc): baseline memory after the
 * engine is loaded, then one check per target of the targets file through runChecks, sampling RSS.
 * The targets are distinct (bench/lib/loopback-targets.ts serves them from another process), so
 * the engine cannot share probes between checks. argv: targets.json
 */
import { readFileSync } from "node:fs";
import { checkIdOf, type Check } from "@probemesh/core/check";
import { runChecks } from "@probemesh/core/engine";

const targets = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as string[];
const gc = (globalThis as { gc?: () => void }).gc!;
const mb = (bytes: number) => bytes / 1024 / 1024;

const checks: Check[] = targets.map((target, i) => ({
  checkId: checkIdOf("bench", String(i)),
  target: `tcp://${target}`,
  label: `bench check ${i}`,
}));
gc();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);

const started = performance.now();
const results = await runChecks(checks, { context: { region: "bench" }, concurrency: 200, timeoutMs: 2000 });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
gc();
const after = process.memoryUsage();
process.stdout.write(
  JSON.stringify({
    checks: checks.length,
    results: results.length,
    distinctTargets: new Set(checks.map((c) => c.target)).size,
    passed: results.filter((r) => r.status === "pass").length,
    baselineRssMb: mb(baseline.rss),
    peakRssMb: mb(peakRss),
    baselineHeapMb: mb(baseline.heapUsed),
    heapDeltaMb: mb(after.heapUsed - baseline.heapUsed),
    seconds,
  }) + "\n",
);
