/**
 * Reads a vendor page into positioned blocks: tables (pipe, flattened pipe, HTML) and prose lines,
 * each tagged with the heading above it and the Liquid/GitBook tab (→ vendor geography) around it.
 */

export interface TableRow {
  cells: string[];
  line: number;
}

export interface Table {
  /** 1-based position of the table in the page. */
  index: number;
  line: number;
  headers: string[];
  rows: TableRow[];
  heading: string;
  tab?: string;
  shape: "pipe" | "flattened" | "html";
}

export interface ProseLine {
  text: string;
  line: number;
  heading: string;
  tab?: string;
  /** Text of the paragraph the line belongs to (for conditions and geo lists stated nearby). */
  paragraph: string;
}

export interface Page {
  title?: string;
  tables: Table[];
  prose: ProseLine[];
  /** Problems met while reading the structure (a flattened row that does not fit, …). */
  problems: { line: number; text: string; reason: string }[];
}

const TAB_OPEN = /\{%\s*tab\s+title="([^"]+)"\s*%\}/;
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

/** Parses a page's text into tables and prose lines with their line numbers. */
export function readPage(text: string): Page {
  const lines = dlToDefinitionList(text).split(/\r?\n/);
  const page: Page = { tables: [], prose: [], problems: [] };
  let heading = "";
  let tab: string | undefined;
  let inFence = false;
  let paragraph: ProseLine[] = [];
  const flushParagraph = () => {
    const joined = paragraph.map((p) => p.text).join(" ");
    for (const p of paragraph) p.paragraph = joined;
    paragraph = [];
  };

  let i = 0;
  if (lines[0]?.trim() === "---") {
    const end = lines.findIndex((l, k) => k > 0 && l.trim() === "---");
    if (end > 0) {
      const title = lines.slice(1, end).find((l) => /^title:/.test(l));
      if (title) page.title = title.replace(/^title:\s*/, "").replace(/^["']|["']$/g, "");
      i = end + 1;
    }
  }

  for (; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    const lineNo = i + 1;
    if (/^(```|~~~)/.test(trimmed)) {
      inFence = !inFence;
      flushParagraph();
      continue;
    }
    if (inFence) continue;
    const headingMatch = /^(#{1,6})\s+(.*)$/.exec(trimmed) ?? /^<h([1-6])\b[^>]*>(.*?)<\/h\1>$/i.exec(trimmed);
    if (headingMatch) {
      flushParagraph();
      heading = htmlText(headingMatch[2]!);
      if (!page.title && (headingMatch[1] === "#" || headingMatch[1] === "1")) page.title = heading;
      tab = undefined;
      continue;
    }
    if (trimmed === "") {
      flushParagraph();
      continue;
    }
    const tabOpen = TAB_OPEN.exec(trimmed);
    if (tabOpen) {
      tab = tabOpen[1];
      continue;
    }
    if (TAB_CLOSE.test(trimmed) && !trimmed.startsWith("|")) {
      tab = undefined;
      continue;
    }
    if (/^<table\b/i.test(trimmed)) {
      const end = lines.findIndex((l, k) => k >= i && /<\/table>/i.test(l));
      const last = end < 0 ? lines.length - 1 : end;
      const table = htmlTable(lines.slice(i, last + 1), lineNo);
      page.tables.push({ ...table, index: page.tables.length + 1, heading, ...(tab ? { tab } : {}) });
      i = last;
      continue;
    }
    const bareTable = !trimmed.startsWith("|") && trimmed.includes("|") && BARE_SEPARATOR.test(lines[i + 1] ?? "");
    if (trimmed.startsWith("|") || bareTable) {
      const block: { text: string; line: number }[] = [];
      const inTable = (l: string) => (bareTable ? l.includes("|") && l.trim() !== "" : l.trim().startsWith("|"));
      while (i < lines.length && inTable(lines[i] ?? "")) {
        block.push({ text: (lines[i] ?? "").trim(), line: i + 1 });
        i++;
      }
      i--;
      const tabAtStart = tab;
      if (block.length === 1) {
        const flat = flattenedTable(block[0]!.text, block[0]!.line, page.problems);
        if (flat) page.tables.push({ ...flat, index: page.tables.length + 1, heading, ...(tab ? { tab } : {}) });
        continue;
      }
      const headers = splitPipes(block[0]!.text);
      const rows: TableRow[] = [];
      for (const row of block.slice(1)) {
        const cells = splitPipes(row.text);
        if (cells.every((c) => SEPARATOR_CELL.test(c) || c === "")) continue;
        const first = cells[0] ?? "";
        if (LIQUID_TAG.test(first) && cells.slice(1).every((c) => c === "")) {
          if (TAB_CLOSE.test(first)) tab = undefined;
          continue;
        }
        rows.push({ cells, line: row.line });
      }
      page.tables.push({ index: page.tables.length + 1, line: block[0]!.line, headers, rows, heading, ...(tabAtStart ? { tab: tabAtStart } : {}), shape: "pipe" });
      continue;
    }
    const prose: ProseLine = { text: raw, line: lineNo, heading, paragraph: "", ...(tab ? { tab } : {}) };
    page.prose.push(prose);
    paragraph.push(prose);
  }
  flushParagraph();
  return page;
}

/**
 * A table whose rows were joined onto one line (`| a | b | | c | d |`): after the header's N cells
 * and a separator row, rows follow with a stride of N cells plus one empty boundary cell.
 */
function flattenedTable(line: string, lineNo: number, problems: Page["problems"]): Omit<Table, "index" | "heading" | "tab"> | undefined {
  const tokens = line.replace(/\\\|/g, "\u0000").split("|").map((c) => c.replace(/\u0000/g, "|").trim());
  tokens.shift();
  const sepStart = tokens.findIndex((t) => SEPARATOR_CELL.test(t));
  if (sepStart < 1) return undefined;
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
  return { line: lineNo, headers, rows, shape: "flattened" };
}

/** An HTML `<table>`: header cells from `<th>`, one row per `<tr>` with `<td>` cells; row line = its first cell. */
function htmlTable(lines: string[], firstLine: number): Omit<Table, "index" | "heading" | "tab"> {
  const html = lines.join("\n");
  const lineAt = (offset: number) => firstLine + (html.slice(0, offset).match(/\n/g)?.length ?? 0);
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
  return { line: firstLine, headers, rows, shape: "html" };
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

/** HTML definition lists become Markdown ones (`term` line, then `: definition`), keeping line count. */
function dlToDefinitionList(text: string): string {
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
