/** CSV and TSV: a header of column names separated by `,`, `;` or tabs (what a browser copies from a rendered table), quotes as in RFC 4180. */
import { looksLikeHeader } from "../headers.js";
import type { TableRow, TableShape } from "./types.js";

const DELIMITERS = ["\t", ",", ";"] as const;

/** Splits one record starting at `lines[at]`; a quoted field may run over several lines. */
function record(lines: readonly string[], at: number, delimiter: string): { cells: string[]; end: number } | undefined {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  let k = at;
  let line = lines[k] ?? "";
  for (let c = 0; ; c++) {
    if (c === line.length) {
      if (!quoted) break;
      if (k + 1 >= lines.length || k - at > 50) return undefined;
      k++;
      line = lines[k] ?? "";
      cell += "\n";
      c = -1;
      continue;
    }
    const ch = line[c]!;
    if (quoted) {
      if (ch === '"' && line[c + 1] === '"') (cell += '"'), c++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"' && cell.trim() === "") (quoted = true), (cell = "");
    else if (ch === delimiter) cells.push(cell.trim()), (cell = "");
    else cell += ch;
  }
  cells.push(cell.trim());
  return { cells, end: k };
}

/** A delimited table: rows follow the header until a blank line or a line without the delimiter. */
export const delimitedTable: TableShape = (lines, at, problems) => {
  const first = lines[at] ?? "";
  const delimiter = DELIMITERS.find((d) => first.includes(d));
  if (!delimiter) return undefined;
  const header = record(lines, at, delimiter);
  if (!header || header.cells.length < 2 || !looksLikeHeader(header.cells)) return undefined;
  const width = header.cells.length;
  const rows: TableRow[] = [];
  let end = header.end;
  while (end + 1 < lines.length && (lines[end + 1] ?? "").includes(delimiter) && (lines[end + 1] ?? "").trim() !== "") {
    const row = record(lines, end + 1, delimiter);
    if (!row) {
      problems.push({ line: end + 2, text: (lines[end + 1] ?? "").trim(), reason: "unterminated quoted field; row not imported" });
      end++;
      continue;
    }
    if (row.cells.length > width) problems.push({ line: end + 2, text: (lines[end + 1] ?? "").trim(), reason: `row has ${row.cells.length} cells, the header ${width}; not imported` });
    else rows.push({ cells: [...row.cells, ...Array<string>(width - row.cells.length).fill("")], line: end + 2 });
    end = row.end;
  }
  if (rows.length === 0) return undefined;
  return { end, table: { line: at + 1, headers: header.cells, rows, shape: "delimited" } };
};
