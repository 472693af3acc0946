/** Plain-text tables whose columns are separated by runs of spaces (a rendered table pasted as text, or a fixed-width listing). */
import { looksLikeHeader } from "../headers.js";
import type { Finding } from "../draft.js";
import type { TableRow, TableShape } from "./types.js";

const GAP = /\s{2,}/;

/** Column start offsets of a header line: where each run of 2+ spaces ends. */
function columnStarts(header: string): number[] {
  const starts = [header.length - header.trimStart().length];
  for (const m of header.matchAll(/\s{2,}(?=\S)/g)) starts.push((m.index ?? 0) + m[0].length);
  return starts;
}

/** A row split on gaps, or (when a cell is empty) sliced at the header's column starts, no word cut in two. */
function cellsOf(line: string, starts: number[], lineNo: number, problems: Finding[]): string[] | undefined {
  const split = line.trim().split(GAP);
  if (split.length === starts.length) return split;
  const cutsWord = starts.slice(1).some((s) => /\S/.test(line[s - 1] ?? " ") && /\S/.test(line[s] ?? " "));
  if (split.length > starts.length || cutsWord) {
    problems.push({ line: lineNo, text: line.trim(), reason: `row does not line up with the header's ${starts.length} columns; not imported` });
    return undefined;
  }
  return starts.map((s, k) => line.slice(s, starts[k + 1] ?? line.length).trim());
}

/** A header of column names separated by 2+ spaces, then rows until a blank line. */
export const columnTable: TableShape = (lines, at, problems) => {
  const header = (lines[at] ?? "").replace(/\s+$/, "");
  if (header.includes("|") || header.includes("\t") || !GAP.test(header.trim())) return undefined;
  const headers = header.trim().split(GAP);
  if (!looksLikeHeader(headers)) return undefined;
  const starts = columnStarts(header);
  const rows: TableRow[] = [];
  let end = at;
  while (end + 1 < lines.length && (lines[end + 1] ?? "").trim() !== "") {
    end++;
    const line = (lines[end] ?? "").replace(/\s+$/, "");
    if (/^[\s=-]+$/.test(line)) continue;
    const cells = cellsOf(line, starts, end + 1, problems);
    if (cells) rows.push({ cells, line: end + 1 });
  }
  if (end === at) return undefined;
  return { end, table: { line: at + 1, headers, rows, shape: "columns" } };
};
