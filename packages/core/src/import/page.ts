/**
 * Reads a vendor page into positioned blocks: tables (every shape in shapes/) and prose lines,
 * each tagged with the heading above it, the Liquid/GitBook tab (→ vendor geography) around it,
 * and the list items it is nested under.
 */
import type { Finding } from "./draft.js";
import { TABLE_SHAPES, dlToDefinitionList, htmlListsToBullets, htmlText, type RawTable } from "./shapes/index.js";
import { Outline } from "./shapes/lists.js";

export type { TableRow } from "./shapes/index.js";
export { htmlText, splitPipes } from "./shapes/index.js";

export interface Table extends RawTable {
  /** 1-based position of the table in the page. */
  index: number;
  heading: string;
  tab?: string;
}

export interface ProseLine {
  text: string;
  line: number;
  heading: string;
  tab?: string;
  /** Text of the paragraph the line belongs to (for conditions and geo lists stated nearby). */
  paragraph: string;
  /** Labels the line is nested under: a `Label:` line above the list, then each parent list item. */
  outline: string[];
}

export interface Page {
  title?: string;
  tables: Table[];
  prose: ProseLine[];
  /** Problems met while reading the structure (a flattened row that does not fit, …). */
  problems: Finding[];
}

const TAB_OPEN = /\{%\s*tab\s+title="([^"]+)"\s*%\}/;
const TAB_CLOSE = /\{%\s*endtabs?\s*%\}/;
const SHAPES = Object.values(TABLE_SHAPES);

/** Parses a page's text into tables and prose lines with their line numbers. */
export function readPage(text: string): Page {
  const lines = htmlListsToBullets(dlToDefinitionList(text)).split(/\r?\n/);
  const page: Page = { tables: [], prose: [], problems: [] };
  let heading = "";
  let tab: string | undefined;
  let inFence = false;
  let paragraph: ProseLine[] = [];
  const outline = new Outline();
  const flushParagraph = () => {
    const joined = paragraph.map((p) => p.text).join(" ");
    for (const p of paragraph) p.paragraph = joined;
    paragraph = [];
  };

  let i = frontMatter(lines, page);
  if (!page.title && !/^\s*#/.test(text)) {
    const first = plainTitle(lines, i);
    if (first !== undefined) {
      page.title = heading = lines[first]!.trim();
      i = first + 1;
    }
  }
  for (; i < lines.length; i++) {
    const raw = lines[i] ?? "";
    const trimmed = raw.trim();
    if (/^(```|~~~)/.test(trimmed)) {
      inFence = !inFence;
      flushParagraph();
      continue;
    }
    if (inFence) continue;
    const headingMatch = /^(#{1,6})\s+(.*)$/.exec(trimmed) ?? /^<h([1-6])\b[^>]*>(.*?)<\/h\1>$/i.exec(trimmed);
    if (headingMatch) {
      flushParagraph();
      outline.reset();
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
    const block = readTable(lines, i, page.problems);
    if (block) {
      outline.reset();
      if (block.table) page.tables.push({ ...block.table, index: page.tables.length + 1, heading, ...(tab ? { tab } : {}) });
      if (block.closesTab) tab = undefined;
      i = block.end;
      continue;
    }
    const prose: ProseLine = { text: raw, line: i + 1, heading, paragraph: "", outline: outline.place(raw), ...(tab ? { tab } : {}) };
    page.prose.push(prose);
    paragraph.push(prose);
  }
  flushParagraph();
  return page;
}

function readTable(lines: readonly string[], at: number, problems: Finding[]) {
  for (const shape of SHAPES) {
    const block = shape(lines, at, problems);
    if (block) return block;
  }
  return undefined;
}

/** A plain-text page's first line as its title: short, alone in its paragraph, not a sentence, list or markup. */
function plainTitle(lines: string[], from: number): number | undefined {
  let k = from;
  while (k < lines.length && lines[k]!.trim() === "") k++;
  const text = lines[k]?.trim() ?? "";
  if (text === "" || text.length > 80 || /[.|<>{}\t,]|:$|^[-*+\d#=]|\s{2,}/.test(text) || (lines[k + 1] ?? "").trim() !== "") return undefined;
  return k;
}

/** YAML front matter: its `title:` becomes the page title; returns the first line after it. */
function frontMatter(lines: string[], page: Page): number {
  if (lines[0]?.trim() !== "---") return 0;
  const end = lines.findIndex((l, k) => k > 0 && l.trim() === "---");
  if (end < 0) return 0;
  const title = lines.slice(1, end).find((l) => /^title:/.test(l));
  if (title) page.title = title.replace(/^title:\s*/, "").replace(/^["']|["']$/g, "");
  return end + 1;
}
