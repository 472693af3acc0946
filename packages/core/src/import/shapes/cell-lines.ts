/** A table copied from a rendered page with one cell per line: N header lines of column names, then rows of N lines. */
import { parseDestinationCell } from "../cells.js";
import { looksLikeHeader, roleOf } from "../headers.js";
import { parsePortCell } from "../ports.js";
import type { TableRow, TableShape } from "./types.js";

const MAX_COLUMNS = 8;
const isHeading = (line: string) => /^(#{1,6}\s|<h[1-6]\b)/i.test(line.trim());

/** A row is real when its port cell is a port, or (without a port column) its host cell names a host. */
function rowFits(cells: string[], portCol: number, hostCol: number): boolean {
  if (portCol >= 0) return parsePortCell(cells[portCol] ?? "") !== undefined;
  return parseDestinationCell(cells[hostCol] ?? "").kind !== "customer";
}

/**
 * Rows are read while they fit; inside a row a blank line is an empty cell, between rows one blank
 * line is skipped. Lines after the last fitting row stay on the page as prose.
 */
export const cellLinesTable: TableShape = (lines, at) => {
  const headers: string[] = [];
  for (let k = at; k < lines.length && headers.length <= MAX_COLUMNS; k++) {
    const text = (lines[k] ?? "").trim();
    if (text === "" || text.length > 40 || roleOf(text) === undefined || /[|\t]/.test(text)) break;
    headers.push(text);
  }
  if (headers.length < 2 || headers.length > MAX_COLUMNS || !looksLikeHeader(headers)) return undefined;
  const roles = headers.map(roleOf);
  const portCol = roles.indexOf("port");
  const hostCol = roles.indexOf("destination") >= 0 ? roles.indexOf("destination") : roles.indexOf("peer");
  const rows: TableRow[] = [];
  let next = at + headers.length;
  let end = next - 1;
  for (;;) {
    let start = next;
    if ((lines[start] ?? "").trim() === "") start++;
    const group = lines.slice(start, start + headers.length);
    if (group.length < headers.length || (group[0] ?? "").trim() === "" || group.some(isHeading)) break;
    const cells = group.map((c) => c.trim());
    if (!rowFits(cells, portCol, hostCol)) break;
    rows.push({ cells, line: start + 1 });
    next = start + headers.length;
    end = next - 1;
  }
  if (rows.length === 0) return undefined;
  return { end, table: { line: at + 1, headers, rows, shape: "cell-lines" } };
};
