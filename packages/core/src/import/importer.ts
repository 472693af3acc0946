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
  const page = readPage(text);
  const report: Report = { unclassified: [...page.problems], assumptions: [] };
  const pageSaysTcp = /\ball ports (?:listed )?are tcp\b/i.test(text);
  const drafts: Draft[] = [];
  for (const table of page.tables) drafts.push(...draftsFromTable(table, pageSaysTcp, report));
  drafts.push(...draftsFromProse(page.prose, report));
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
