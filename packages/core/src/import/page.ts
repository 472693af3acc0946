/**
 * Reads a vendor page into positioned blocks: tables (every shape in shapes/) and prose lines,
 * each tagged with the heading above it, the Liquid/GitBook tab (→ vendor geography) around it,
 * and the list items it is nested under.
 */
import type { Finding } from "./draft.js";
import { TABLE_SHAPES, dlToDefinitionList, htmlText, type RawTable } from "./shapes/index.js";

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
const BULLET = /^(\s*)(?:[-*+•]|\d+[.)])\s+(.*)$/;
/** A short line that introduces a list: "Agent:", "**EU region**". */
const LABEL = /^(?:\*\*([^*]{1,60})\*\*:?|([^:]{1,60}):)$/;
const SHAPES = Object.values(TABLE_SHAPES);

/** Parses a page's text into tables and prose lines with their line numbers. */
export function readPage(text: string): Page {
  const lines = dlToDefinitionList(text).split(/\r?\n/);
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

/** YAML front matter: its `title:` becomes the page title; returns the first line after it. */
function frontMatter(lines: string[], page: Page): number {
  if (lines[0]?.trim() !== "---") return 0;
  const end = lines.findIndex((l, k) => k > 0 && l.trim() === "---");
  if (end < 0) return 0;
  const title = lines.slice(1, end).find((l) => /^title:/.test(l));
  if (title) page.title = title.replace(/^title:\s*/, "").replace(/^["']|["']$/g, "");
  return end + 1;
}

/** Tracks list nesting: which label and parent items each line sits under. */
class Outline {
  private label: string | undefined;
  private items: { indent: number; text: string }[] = [];

  reset(): void {
    this.label = undefined;
    this.items = [];
  }

  /** The labels above `raw`, then records `raw` as a possible parent of the lines after it. */
  place(raw: string): string[] {
    const bullet = BULLET.exec(raw);
    if (!bullet) {
      if (/^\s*:/.test(raw) || (/^\s+\S/.test(raw) && this.items.length > 0)) return this.labels();
      this.items = [];
      const label = LABEL.exec(raw.trim());
      this.label = label ? (label[1] ?? label[2])!.trim() : undefined;
      return [];
    }
    const indent = bullet[1]!.replace(/\t/g, "    ").length;
    while (this.items.length > 0 && this.items[this.items.length - 1]!.indent >= indent) this.items.pop();
    const above = this.labels();
    this.items.push({ indent, text: bullet[2]!.trim() });
    return above;
  }

  private labels(): string[] {
    return [...(this.label ? [this.label] : []), ...this.items.map((i) => i.text)];
  }
}
