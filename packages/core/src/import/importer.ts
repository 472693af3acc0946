import { basename } from "node:path";
import { parseCatalog, type Catalog } from "../catalog/schema.js";
import { cleanText, geoOfTab, parseGeoCell, slug } from "./cells.js";
import { assemble, type Draft, type Finding, type Report } from "./draft.js";
import { readPage } from "./page.js";
import { draftsFromProse } from "./lines.js";
import { roleOf } from "./headers.js";
import { draftsFromTable } from "./tables.js";


export interface ImportOptions {
  /** Source file name recorded in every requirement (basename is kept). */
  file?: string;
  /** Product id and name; default: from the page title. */
  product?: string;
  name?: string;
  /** Reviewed renames applied before ids are made (see overrides). */
  components?: Record<string, { id?: string; name?: string }>;
  destinations?: Record<string, string>;
}

/** A catalog read from a page, plus everything the importer could not classify. */
export interface ImportResult {
  catalog: Catalog;
  unclassified: Finding[];
  assumptions: Finding[];
}

/** Largest page `importPage` reads (the CLI stops reading input at this size): 5 MB. */
export const MAX_PAGE_BYTES = 5 * 1024 * 1024;

/** Refuses input that is too large or not text (NUL bytes, or mostly undecodable bytes). */
function checkText(text: string, file: string): void {
  if (text.length > MAX_PAGE_BYTES || Buffer.byteLength(text, "utf8") > MAX_PAGE_BYTES) {
    throw new ImportError(`${file}: larger than the ${MAX_PAGE_BYTES / 1024 / 1024} MB input cap`);
  }
  const head = text.slice(0, 8192);
  const undecodable = head.match(/\uFFFD/g)?.length ?? 0;
  if (head.includes("\u0000") || undecodable > head.length / 10) throw new ImportError(`${file}: binary data, not a text page`);
}

/** The page has no requirement the importer can read (the message says why). */
export class ImportError extends Error {
  override name = "ImportError";
}

/**
 * Turns a vendor network-requirements page (Markdown pipe tables, HTML tables, GitBook/Liquid tabs,
 * one-line flattened tables, definition or bullet lists of host:port) into a catalog that is valid
 * against the schema, each requirement carrying its source line.
 */
export function importPage(text: string, options: ImportOptions = {}): ImportResult {
  const file = basename(options.file ?? "stdin");
  checkText(text, file);
  const page = readPage(text);
  const report: Report = { unclassified: [...page.problems], assumptions: [] };
  const pageSaysTcp = /\ball ports (?:listed )?are tcp\b/i.test(text);
  const drafts: Draft[] = [];
  // Loops, not push(...list): a spread of a very large table's drafts would overflow the stack.
  for (const table of page.tables) for (const draft of draftsFromTable(table, pageSaysTcp, report)) drafts.push(draft);
  for (const draft of draftsFromProse(page.prose, report)) drafts.push(draft);
  drafts.sort((a, b) => a.source.line - b.source.line);
  if (drafts.length === 0) throw new ImportError(`${file}: no host or port requirement found (${page.tables.length} tables read)`);

  const title = page.title ? cleanText(page.title) : undefined;
  const geos = geographiesOf(page);
  const defaultGeo = /\bdefault (?:[\w ]+ )?region is (\w+)/i.exec(text)?.[1]?.toLowerCase();
  const catalog = assemble(
    drafts,
    {
      product: options.product ?? (slug(title ?? file.replace(/\.[^.]+$/, "")) || "imported"),
      name: options.name ?? title ?? file,
      file,
      ...(title ? { title } : {}),
      geos,
      ...(defaultGeo && geos.includes(defaultGeo) ? { defaultGeo } : {}),
    },
    { ...(options.components ? { components: options.components } : {}), ...(options.destinations ? { destinations: options.destinations } : {}) },
  );
  report.unclassified.sort((a, b) => a.line - b.line);
  return { catalog: parseCatalog(catalog, file), ...report };
}

/** Vendor geographies: tab titles and the values of a region column ("All" excluded). */
function geographiesOf(page: ReturnType<typeof readPage>): string[] {
  const geos = new Set<string>();
  for (const table of page.tables) {
    if (table.tab) geos.add(geoOfTab(table.tab));
    const geoCol = table.headers.findIndex((h) => roleOf(h) === "geo");
    if (geoCol < 0) continue;
    for (const row of table.rows) {
      const g = parseGeoCell(row.cells[geoCol] ?? "");
      if (Array.isArray(g)) g.forEach((x) => geos.add(x));
    }
  }
  for (const line of page.prose) if (line.tab) geos.add(geoOfTab(line.tab));
  return [...geos].sort();
}
