/**
 * `npm run bench [-- <section>…] [--quick]`: runs the bench sections, writes
 * bench/results/<section>.json and bench/results/summary.md, and prints one table.
 * Sections: rate, scan, timing, footprint, load, store, scale, rounds, evaluate (default: all, in that order).
 * PROBEMESH_BENCH_MINUTES=n shortens or lengthens the scale section (default 5, 1 with --quick).
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { runAllCleanups } from "./lib/cleanup.js";
import { renderTable, resultsDir, writeSectionResult, type Row, type Section, type SectionReport } from "./lib/report.js";

const SECTIONS: Record<string, () => Promise<Section>> = {
  rate: async () => (await import("./rate.js")).rate,
  scan: async () => (await import("./scan.js")).scan,
  timing: async () => (await import("./timing.js")).timing,
  footprint: async () => (await import("./footprint.js")).footprint,
  load: async () => (await import("./load.js")).load,
  store: async () => (await import("./store.js")).store,
  scale: async () => (await import("./scale.js")).scale,
  rounds: async () => (await import("./rounds.js")).rounds,
  evaluate: async () => (await import("./evaluate.js")).evaluate,
};

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    nproc: cpus.length,
    model: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    kernel: os.release(),
    loadavgAtStart: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench [-- ${Object.keys(SECTIONS).join("|")}…] [--quick]\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const unknownFlag = argv.find((a) => a.startsWith("-") && a !== "--quick");
  if (unknownFlag) usage(`unknown option ${unknownFlag}`);
  const names = argv.filter((a) => !a.startsWith("-"));
  for (const name of names) if (!(name in SECTIONS)) usage(`unknown section "${name}"`);
  const chosen = names.length ? names : Object.keys(SECTIONS);
  const facts = machine();
  process.stdout.write(`probemesh bench — ${facts.nproc}× ${facts.model}, ${facts.memoryGiB} GiB, node ${facts.node}${quick ? " (quick)" : ""}\n`);

  const rows: Row[] = [];
  const skipped: string[] = [];
  let failed = false;
  for (const name of chosen) {
    const started = performance.now();
    const log = (line: string) => process.stdout.write(`  [${name}] ${line}\n`);
    log("running…");
    let report: SectionReport;
    try {
      report = await (await SECTIONS[name]!())({ quick, log });
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report = { section: name, rows: [], skipped: [`${name}: failed — ${message.split("\n").slice(0, 3).join(" / ")}`] };
    }
    const file = writeSectionResult(report, facts);
    log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s → ${file}`);
    rows.push(...report.rows);
    skipped.push(...report.skipped);
  }

  const table = renderTable(rows);
  const summary = [
    `Measured ${new Date().toISOString()} on ${facts.nproc}× ${facts.model}, ${facts.memoryGiB} GiB RAM, node ${facts.node}, kernel ${facts.kernel}${quick ? " (--quick)" : ""}.`,
    "",
    table,
    "",
    ...(skipped.length ? ["Skipped or not measured:", "", ...skipped.map((s) => `- ${s}`), ""] : []),
  ].join("\n");
  // Only a full run replaces the summary that BENCHMARKS.md quotes.
  if (!names.length) writeFileSync(join(resultsDir, "summary.md"), summary);
  process.stdout.write(`\n${summary}`);
  return failed ? 1 : 0;
}

// Sections clean up in finally blocks; this keeps a Ctrl-C from leaving a namespace behind.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    runAllCleanups();
    process.exit(130);
  });
}
process.exitCode = await main(process.argv.slice(2));
