/**
 * Child process for the plan-memory figure (run with --expose-gc): baseline memory after the
 * engine is loaded, then N checks through runChecks against a loopback listener, sampling RSS.
 */
import net from "node:net";
import { checkIdOf, type Check } from "@probemesh/core/check";
import { runChecks } from "@probemesh/core/engine";

const count = Number(process.argv[2] ?? 10_000);
const gc = (globalThis as { gc?: () => void }).gc!;
const mb = (bytes: number) => bytes / 1024 / 1024;

const server = net.createServer((s) => s.on("error", () => {}).resume());
// A deep accept queue: this process connects faster than its own event loop accepts, and a full queue drops SYNs (1 s retransmit).
await new Promise<void>((resolve) => server.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));
const { port } = server.address() as net.AddressInfo;

gc();
const baseline = process.memoryUsage();
let peakRss = baseline.rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);

const started = performance.now();
const checks: Check[] = Array.from({ length: count }, (_, i) => ({
  checkId: checkIdOf("bench", String(i)),
  target: `tcp://127.0.0.1:${port}`,
  label: `bench check ${i}`,
}));
const results = await runChecks(checks, { context: { region: "bench" }, concurrency: 200, timeoutMs: 2000 });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
gc();
const after = process.memoryUsage();
const failed = results.filter((r) => r.status !== "pass").length;
if (results.length !== count || failed > 0) throw new Error(`engine returned ${results.length} results for ${count} checks, ${failed} not passing`);
server.close();
process.stdout.write(
  JSON.stringify({
    checks: count,
    results: results.length,
    baselineRssMb: mb(baseline.rss),
    peakRssMb: mb(peakRss),
    baselineHeapMb: mb(baseline.heapUsed),
    heapDeltaMb: mb(after.heapUsed - baseline.heapUsed),
    seconds,
  }) + "\n",
);
