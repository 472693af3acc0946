import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One line of the bench table: a figure, the baseline it is compared with, and the goal. */
export interface Row {
  section: string;
  metric: string;
  value: number | null;
  unit: string;
  baseline?: string;
  baselineValue?: number | null;
  /** value / baselineValue (or an error ratio for accuracy rows); null when not comparable. */
  ratio?: number | null;
  /** Human-readable goal, e.g. "≥ 0.8". */
  goal?: string;
  pass?: boolean | null;
  note?: string;
  /** Checks the row's plan claims to run (rows that run checks; see bench/lib/work.ts). */
  checksPlanned?: number;
  /** Probes the targets actually saw (connections accepted, datagrams and queries received). */
  probesExecuted?: number;
}

/** What one bench section hands back to bench/run.ts. */
export interface SectionReport {
  section: string;
  rows: Row[];
  /** Baselines or measurements that could not run, each with the reason. */
  skipped: string[];
  /** Raw measurements, written to bench/results/<section>.json for later inspection. */
  raw?: unknown;
}

export interface SectionOptions {
  quick: boolean;
  log: (line: string) => void;
}

export type Section = (opts: SectionOptions) => Promise<SectionReport>;

export const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

/** Writes bench/results/<section>.json with the machine facts alongside the figures. */
export function writeSectionResult(report: SectionReport, machine: Record<string, unknown>): string {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${report.section}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, ...report }, null, 2) + "\n");
  return file;
}

function fmt(n: number | null | undefined, digits = 2): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString("en-US");
  if (Math.abs(n) >= 100) return n.toFixed(0);
  return n.toFixed(digits);
}

/** "1,000 checks planned, 1,000 probes executed" for rows that run checks. */
function workNote(r: Row): string {
  if (r.checksPlanned === undefined) return "";
  const n = (v: number | undefined) => (v === undefined ? "?" : v.toLocaleString("en-US"));
  return `${n(r.checksPlanned)} checks planned, ${n(r.probesExecuted)} probes executed`;
}

/** Renders rows as a Markdown table (the same text goes to the terminal and BENCHMARKS.md). */
export function renderTable(rows: Row[]): string {
  const header = ["section", "metric", "value", "baseline", "baseline value", "ratio", "goal", "ok", "note"];
  const lines = rows.map((r) => [
    r.section,
    r.metric,
    `${fmt(r.value)} ${r.unit}`.trim(),
    r.baseline ?? "",
    r.baselineValue === undefined ? "" : `${fmt(r.baselineValue)} ${r.unit}`.trim(),
    r.ratio === undefined ? "" : fmt(r.ratio),
    r.goal ?? "",
    r.pass === undefined || r.pass === null ? "" : r.pass ? "yes" : "NO",
    [workNote(r), r.note].filter(Boolean).join("; "),
  ]);
  const table = [header, header.map(() => "---"), ...lines];
  return table.map((cells) => `| ${cells.map((c) => c.replaceAll("|", "\\|")).join(" | ")} |`).join("\n");
}

/** Median of a numeric sample (NaN for an empty one). */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** p-th percentile (0..100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
