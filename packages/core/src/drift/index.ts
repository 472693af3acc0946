/**
 * Drift of a vendor page: the page a profile watches is fetched, imported the way its catalog
 * was made, and compared with the catalog in use. One `DriftSource` per watched page.
 */
import { createHash } from "node:crypto";
import type { Catalog, Requirement } from "../catalog/schema.js";
import { diffCatalogs, type CatalogDiff } from "../diff/index.js";
import { importPage, importWithOverrides, type Overrides } from "../import/index.js";

export { builtinOverrides } from "./builtin.js";
export { fetchWatchedPage, WatchFetchError, type FetchPageOptions } from "./fetch.js";

/** A page a profile watches (`watch: [{ product, url }]`). */
export interface WatchSource {
  product: string;
  url: string;
}

/** A requirement as a drift report shows it. */
export interface DriftEntry {
  id: string;
  component: string;
  summary: string;
}

export interface DriftModified extends DriftEntry {
  changes: { field: string; old: unknown; new: unknown }[];
}

/** The last check of one watched page. */
export interface DriftSource extends WatchSource {
  checkedAt: string;
  /** The page lists other requirements than the catalog in use. */
  changed: boolean;
  added: DriftEntry[];
  removed: DriftEntry[];
  modified: DriftModified[];
  /** Stable hash of the change set ("" when unchanged): the same change is stored and alerted once. */
  fingerprint: string;
  /** Why the page could not be checked (fetch refused or failed, nothing importable). */
  error?: string;
}

/** Imports `page` as `inUse` was made (with the built-in overrides when given) and lists the differences. */
export function driftOf(source: WatchSource, page: string, inUse: Catalog, options: { overrides?: Overrides; now: Date }): DriftSource {
  const checkedAt = options.now.toISOString();
  const fetched = importLike(page, inUse, source.url, options.overrides);
  const diff = diffCatalogs(inUse, fetched);
  const added = diff.added.map((x) => entry(x.component, x.requirement));
  const removed = diff.removed.map((x) => entry(x.component, x.requirement));
  const modified = diff.changed.map((c) => ({ ...entry(c.component, c.new), changes: c.changes.map((x) => ({ field: x.field, old: x.old, new: x.new })) }));
  const changed = added.length + removed.length + modified.length > 0;
  return { ...source, checkedAt, changed, added, removed, modified, fingerprint: changed ? fingerprintOf(diff) : "" };
}

/** A failed check: not a change, and says why. */
export function driftError(source: WatchSource, error: unknown, now: Date): DriftSource {
  const message = (error instanceof Error ? error.message : String(error)).split("\n")[0]!;
  return { ...source, checkedAt: now.toISOString(), changed: false, added: [], removed: [], modified: [], fingerprint: "", error: message };
}

/**
 * With overrides, as the built-in catalog was made; a changed page may leave a reviewed patch
 * matching nothing, and then the renames alone are applied (the patch shows up as a change).
 */
function importLike(page: string, inUse: Catalog, url: string, overrides: Overrides | undefined): Catalog {
  if (overrides) {
    try {
      return importWithOverrides(page, overrides).catalog;
    } catch (error) {
      if (!/matches no requirement/.test((error as Error).message)) throw error;
    }
  }
  const renames = overrides ? { ...(overrides.components ? { components: overrides.components } : {}), ...(overrides.destinations ? { destinations: overrides.destinations } : {}) } : {};
  return importPage(page, { file: overrides?.seed ?? url.split("/").pop() ?? "page", product: inUse.product, name: inUse.name, ...renames }).catalog;
}

function entry(component: string, r: Requirement): DriftEntry {
  const port = r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : (r.port ?? r.portKey ?? "");
  return { id: r.id, component, summary: `${r.protocol} ${r.destination}${port !== "" ? `:${port}` : ""} ${r.direction} (${r.level})` };
}

function fingerprintOf(diff: CatalogDiff): string {
  const lines = [
    ...diff.added.map((x) => `+${JSON.stringify(x.requirement, Object.keys(x.requirement).sort())}`),
    ...diff.removed.map((x) => `-${x.requirement.id}`),
    ...diff.changed.map((c) => `~${c.oldId}>${c.newId}:${JSON.stringify(c.changes)}`),
  ].sort();
  return createHash("sha256").update(lines.join("\n")).digest("base64url").slice(0, 22);
}
