/** HTML tables and definition lists. */
import type { TableRow, TableShape } from "./types.js";

/** An HTML `<table>`: header cells from `<th>`, one row per `<tr>` with `<td>` cells; row line = its first cell. */
export const htmlTable: TableShape = (lines, at) => {
  if (!/^<table\b/i.test((lines[at] ?? "").trim())) return undefined;
  let end = at;
  while (end < lines.length - 1 && !/<\/table>/i.test(lines[end] ?? "")) end++;
  const html = lines.slice(at, end + 1).join("\n");
  const lineAt = lineCounter(html, at + 1);
  let headers: string[] = [];
  const rows: TableRow[] = [];
  for (const tr of html.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)) {
    const body = tr[1] ?? "";
    const bodyOffset = (tr.index ?? 0) + tr[0].indexOf(body);
    const cells = [...body.matchAll(/<(t[hd])\b[^>]*>([\s\S]*?)<\/t[hd]>/gi)];
    if (cells.length === 0) continue;
    if (cells.every((c) => c[1]!.toLowerCase() === "th")) {
      headers = cells.map((c) => htmlText(c[2] ?? ""));
      continue;
    }
    rows.push({ cells: cells.map((c) => htmlText(c[2] ?? "")), line: lineAt(bodyOffset + (cells[0]!.index ?? 0)) });
  }
  return { end, table: { line: at + 1, headers, rows, shape: "html" } };
};

/** Line number of an offset, for offsets asked in increasing order (linear over a large table). */
function lineCounter(text: string, firstLine: number): (offset: number) => number {
  let [scanned, line] = [0, firstLine];
  return (offset) => {
    for (let k = text.indexOf("\n", scanned); k >= 0 && k < offset; k = text.indexOf("\n", k + 1)) {
      line++;
      scanned = k + 1;
    }
    return line;
  };
}

/** Cell text of an HTML fragment: `<br>` kept as a value separator, other tags dropped, entities decoded. */
export function htmlText(fragment: string): string {
  return fragment
    .replace(/<br\s*\/?>/gi, " <br> ")
    .replace(/<(?!br\b)[^>]+>/gi, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}

/** HTML list items become Markdown bullets (`<li>text</li>` → `- text`, indent kept), keeping line count. */
export function htmlListsToBullets(text: string): string {
  if (!/<li\b/i.test(text)) return text;
  return text
    .replace(/<\/?[uo]l\b[^>]*>/gi, "")
    .replace(/^([ \t]*)<li\b[^>]*>(.*?)(?:<\/li>)?[ \t]*$/gim, (_, indent: string, body: string) => `${indent}- ${htmlInline(body)}`);
}

/** Inline HTML as Markdown: `<code>` → backticks, other tags dropped, entities decoded. */
function htmlInline(fragment: string): string {
  return htmlText(fragment.replace(/<code\b[^>]*>([\s\S]*?)<\/code>/gi, "`$1`"));
}

/** HTML definition lists become Markdown ones (`term` line, then `: definition`), keeping line count. */
export function dlToDefinitionList(text: string): string {
  return text.replace(/<dl\b[^>]*>([\s\S]*?)<\/dl>/gi, (block) =>
    block
      .split("\n")
      .map((l) =>
        l
          .replace(/<\/?dl\b[^>]*>/gi, "")
          .replace(/<dt\b[^>]*>([\s\S]*?)<\/dt>/gi, (_, t: string) => htmlText(t))
          .replace(/<dd\b[^>]*>([\s\S]*?)<\/dd>/gi, (_, d: string) => `: ${htmlText(d)}`),
      )
      .join("\n"),
  );
}
