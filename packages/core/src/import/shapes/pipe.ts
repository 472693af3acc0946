/** Markdown pipe tables: with or without outer pipes, with or without a separator row, and flattened onto one line. */
import { looksLikeHeader } from "../headers.js";
import type { Block, TableRow, TableShape } from "./types.js";

const TAB_CLOSE = /\{%\s*endtabs?\s*%\}/;
const LIQUID_TAG = /^\{%.*%\}$/;
const SEPARATOR_CELL = /^(?:\\?-)+$|^:?-{3,}:?$/;
/** A GFM separator row without outer pipes: `---|:---:`. */
const BARE_SEPARATOR = /^\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$/;

/** Splits a pipe-table line into trimmed cells (outer pipes dropped, `\|` kept as text). */
export function splitPipes(line: string): string[] {
  const cells = line.replace(/\\\|/g, "\u0000").split("|").map((c) => c.replace(/\u0000/g, "|").trim());
  if (line.trim().startsWith("|")) cells.shift();
  if (line.trim().endsWith("|")) cells.pop();
  return cells;
}

const starts = (line: string | undefined) => (line ?? "").trim().startsWith("|");

/**
 * A pipe table: rows starting with `|`, or rows without outer pipes when a separator row follows
 * the header or the header's words are column names (`Host | Port | Protocol`).
 */
export const pipeTable: TableShape = (lines, at) => {
  const first = (lines[at] ?? "").trim();
  const bare = !first.startsWith("|") && first.includes("|") && (BARE_SEPARATOR.test(lines[at + 1] ?? "") || looksLikeHeader(splitPipes(first)));
  if (!starts(first) && !bare) return undefined;
  const inTable = (l: string) => (bare ? l.includes("|") && l.trim() !== "" : l.trim().startsWith("|"));
  let end = at;
  while (end + 1 < lines.length && inTable(lines[end + 1] ?? "")) end++;
  if (end === at) return undefined;
  const headers = splitPipes(first);
  const rows: TableRow[] = [];
  let closesTab = false;
  for (let k = at + 1; k <= end; k++) {
    const cells = splitPipes((lines[k] ?? "").trim());
    if (cells.every((c) => SEPARATOR_CELL.test(c) || c === "")) continue;
    const lead = cells[0] ?? "";
    if (LIQUID_TAG.test(lead) && cells.slice(1).every((c) => c === "")) {
      if (TAB_CLOSE.test(lead)) closesTab = true;
      continue;
    }
    rows.push({ cells, line: k + 1 });
  }
  return { end, table: { line: at + 1, headers, rows, shape: "pipe" }, ...(closesTab ? { closesTab } : {}) };
};

/**
 * A table whose rows were joined onto one line (`| a | b | | c | d |`): after the header's N cells
 * and a separator row, rows follow with a stride of N cells plus one empty boundary cell.
 * A lone pipe line that is not such a table is consumed without a table.
 */
export const flattenedTable: TableShape = (lines, at, problems) => {
  const line = (lines[at] ?? "").trim();
  if (!line.startsWith("|") || starts(lines[at + 1])) return undefined;
  const lineNo = at + 1;
  const consumed: Block = { end: at };
  const tokens = line.replace(/\\\|/g, "\u0000").split("|").map((c) => c.replace(/\u0000/g, "|").trim());
  tokens.shift();
  const sepStart = tokens.findIndex((t) => SEPARATOR_CELL.test(t));
  if (sepStart < 1) return consumed;
  const headers = tokens.slice(0, sepStart).filter((t, k, all) => !(t === "" && k === all.length - 1));
  const width = headers.length;
  let k = sepStart + width;
  if (tokens[k] === "") k++;
  const rows: TableRow[] = [];
  while (k + width <= tokens.length) {
    rows.push({ cells: tokens.slice(k, k + width), line: lineNo });
    k += width;
    const boundary = tokens[k];
    if (boundary === undefined) break;
    if (boundary !== "") {
      if (!/^\{:.*\}$/.test(boundary)) problems.push({ line: lineNo, text: boundary, reason: "text between flattened rows" });
      break;
    }
    k++;
  }
  const rest = tokens.slice(k).filter((t) => t !== "" && !/^\{:.*\}$/.test(t));
  if (k < tokens.length && rest.length > 0 && rest.length < width) problems.push({ line: lineNo, text: rest.join(" | "), reason: "incomplete flattened row" });
  return { end: at, table: { line: lineNo, headers, rows, shape: "flattened" } };
};
