/**
 * Client side of the rounds bench, run inside the client namespace as one warm Lambda container: the real
 * probe function (createProbeFunction → runChecks → probers, with the process-wide timing history) runs
 * the plan `rounds` times in a row, then the fan-out invocations. Around every invocation it times the wall
 * clock (Lambda bills it) and the process CPU, and counts the connect attempts the target namespace saw
 * (distinct SYN 4-tuples in an nftables set, flushed here before each invocation). The store is an
 * in-memory stand-in: DynamoDB's write time is not in the billed time (the cost model prices its units).
 * Prints one JSON line, then exits.
 * argv JSON: { dns, targetNs, history, timeoutMs, shape, fanOut } (the invocations come from rounds-plan.ts)
 */
import { execFileSync } from "node:child_process";
import { createGuard } from "@probemesh/core/guard";
import { dnsLookup } from "@probemesh/core/probers";
import type { ProbeResult } from "@probemesh/core/result";
import { createProbeFunction } from "../../packages/functions/src/probe/index.js";
import { median } from "./report.js";
import { checkSpanMs, invocations, SEEN_SET, type BenchShape, type MeasuredRun } from "./rounds-plan.js";

interface Args {
  dns: string;
  targetNs: string;
  /** false: ctx.connectHistory off (a fixed timeout per connect), the baseline. */
  history: boolean;
  timeoutMs: number;
  shape: BenchShape;
  /** Also run the address fan-out invocations after the rounds. */
  fanOut: boolean;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const nft = (...argv: string[]) => execFileSync("ip", ["netns", "exec", args.targetNs, "nft", ...argv], { encoding: "utf8" });
const attemptsSeen = () => {
  const listed = JSON.parse(nft("-j", "list", "set", ...SEEN_SET)) as { nftables: Array<{ set?: { elem?: unknown[] } }> };
  return listed.nftables.find((entry) => entry.set)?.set?.elem?.length ?? 0;
};

let stored: ProbeResult[] = [];
const probeFunction = createProbeFunction({
  store: { writeResults: async (_region, _round, results) => {
    stored = results;
    return { written: results.length, duplicates: 0, rawItems: 0, bucketsClosed: 0, transitions: [] };
  }, addProbeResults: async () => {} },
  region: "bench-1",
  guard: createGuard(),
  timeoutMs: args.timeoutMs,
  context: () => ({ lookup: dnsLookup({ server: args.dns, timeoutMs: 2000 }), ...(args.history ? {} : { connectHistory: false }) }),
});
const lambda = { getRemainingTimeInMillis: () => 55_000 };

const out: MeasuredRun[] = [];
for (const [i, run] of invocations(args.shape, args.fanOut).entries()) {
  nft("flush", "set", ...SEEN_SET);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const summary = await probeFunction({ region: "bench-1", roundId: `round-${i}`, checks: run.checks }, lambda);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  out.push({ label: run.label, wallMs, cpuMs: (used.user + used.system) / 1000, slowestMs: Math.max(0, ...stored.map(checkSpanMs)), medianCheckMs: median(stored.map(checkSpanMs)), counts: summary.counts, attempts: attemptsSeen() });
}
process.stdout.write(JSON.stringify(out) + "\n");
