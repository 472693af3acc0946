/**
 * Runs one probemesh port-range scan (`tcp://host:from-to`) and prints the open ports and the
 * scan time as one JSON line. The bench runs it inside its namespace with `ip netns exec`;
 * the time is measured around `probe()` only, so process start-up is not counted (nmap's
 * figure is its own runstats elapsed, likewise without start-up).
 * argv: uri [rangeConcurrency]
 */
import { defaultContext, probe } from "@probemesh/core/probers";

const [uri = "", rangeConcurrency] = process.argv.slice(2);
const context = defaultContext({ timeoutMs: 2000, ...(rangeConcurrency ? { rangeConcurrency: Number(rangeConcurrency) } : {}) });
const started = performance.now();
const list = await probe(uri, context);
const elapsedMs = performance.now() - started;
const open = list
  .filter((r) => r.status === "pass" && /^tcp:\/\/[^/]+:\d+$/.test(r.target) && !r.target.includes("-"))
  .map((r) => Number(r.target.slice(r.target.lastIndexOf(":") + 1)))
  .sort((a, b) => a - b);
const summary = list.find((r) => r.target === uri || r.target.includes("-"))?.detail ?? null;
process.stdout.write(JSON.stringify({ open, elapsedMs, summary, results: list.length }) + "\n");
