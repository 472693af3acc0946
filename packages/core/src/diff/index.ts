import type { Catalog, Requirement } from "../catalog/schema.js";

/** Fields whose change matters to someone keeping a firewall open. */
export const COMPARED_FIELDS = ["destination", "port", "portEnd", "portKey", "protocol", "direction", "level", "condition", "geos"] as const;
type Field = (typeof COMPARED_FIELDS)[number];

export interface Located {
  component: string;
  requirement: Requirement;
}

export interface FieldChange {
  field: Field;
  old: unknown;
  new: unknown;
}

export interface ChangedRequirement {
  component: string;
  oldId: string;
  newId: string;
  changes: FieldChange[];
  old: Requirement;
  new: Requirement;
}

/** What changed between two catalogs of the same product (e.g. last month's page vs today's). */
export interface CatalogDiff {
  added: Located[];
  removed: Located[];
  changed: ChangedRequirement[];
}

/**
 * Compares two catalogs. Requirements pair up by id; the rest pair up when exactly one old and one
 * new requirement share a component and either their destination or their port/protocol purpose,
 * so a moved port shows as "changed", not as a removal plus an addition.
 */
export function diffCatalogs(before: Catalog, after: Catalog): CatalogDiff {
  const oldList = flatten(before);
  const newList = flatten(after);
  const newById = new Map(newList.map((x) => [x.requirement.id, x]));
  const changed: ChangedRequirement[] = [];
  const removed: Located[] = [];
  const matchedNew = new Set<string>();

  for (const o of oldList) {
    const n = newById.get(o.requirement.id);
    if (!n) {
      removed.push(o);
      continue;
    }
    matchedNew.add(n.requirement.id);
    const changes = compare(o.requirement, n.requirement);
    if (changes.length) changed.push(changeOf(o, n, changes));
  }
  let added = newList.filter((n) => !matchedNew.has(n.requirement.id));

  for (const key of [sameDestination, samePurpose]) {
    for (const o of [...removed]) {
      const candidates = added.filter((n) => n.component === o.component && key(o.requirement) === key(n.requirement));
      const rivals = removed.filter((r) => r.component === o.component && key(r.requirement) === key(o.requirement));
      if (candidates.length !== 1 || rivals.length !== 1) continue;
      const n = candidates[0]!;
      changed.push(changeOf(o, n, compare(o.requirement, n.requirement)));
      removed.splice(removed.indexOf(o), 1);
      added = added.filter((x) => x !== n);
    }
  }
  return { added, removed, changed };
}

/** True when the two catalogs list the same requirements. */
export function isUnchanged(diff: CatalogDiff): boolean {
  return diff.added.length === 0 && diff.removed.length === 0 && diff.changed.length === 0;
}

/** One line per difference, for people: "+ component/id  tcp host:443 (required)". */
export function formatDiff(diff: CatalogDiff): string[] {
  const lines: string[] = [];
  for (const a of diff.added) lines.push(`+ ${a.component}/${a.requirement.id}  ${describe(a.requirement)}`);
  for (const r of diff.removed) lines.push(`- ${r.component}/${r.requirement.id}  ${describe(r.requirement)}`);
  for (const c of diff.changed) {
    const what = c.changes.map((x) => `${x.field}: ${show(x.old)} → ${show(x.new)}`).join(", ");
    lines.push(`~ ${c.component}/${c.newId}  ${what}${c.oldId !== c.newId ? ` (was ${c.oldId})` : ""}`);
  }
  return lines;
}

function flatten(catalog: Catalog): Located[] {
  return catalog.components.flatMap((c) => c.requirements.map((requirement) => ({ component: c.id, requirement })));
}

function compare(a: Requirement, b: Requirement): FieldChange[] {
  return COMPARED_FIELDS.filter((f) => show(a[f]) !== show(b[f])).map((field) => ({ field, old: a[field], new: b[field] }));
}

function changeOf(o: Located, n: Located, changes: FieldChange[]): ChangedRequirement {
  return { component: n.component, oldId: o.requirement.id, newId: n.requirement.id, changes, old: o.requirement, new: n.requirement };
}

function sameDestination(r: Requirement): string {
  return [r.destination, r.direction, r.geos?.join(",")].join("|");
}

function samePurpose(r: Requirement): string {
  return [r.port, r.portEnd, r.portKey, r.protocol, r.direction, r.geos?.join(","), r.use ?? r.description].join("|");
}

function describe(r: Requirement): string {
  const port = r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : (r.port ?? r.portKey ?? "");
  return `${r.protocol} ${r.destination}${port !== "" ? `:${port}` : ""} ${r.direction} (${r.level}${r.condition ? `: ${r.condition}` : ""})${r.geos ? ` [${r.geos.join(",")}]` : ""}`;
}

function show(value: unknown): string {
  return value === undefined ? "—" : Array.isArray(value) ? value.join(",") : String(value);
}
