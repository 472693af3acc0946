import type { Catalog, Requirement } from "../catalog/schema.js";
import { customerKey, slug } from "./cells.js";

/** A requirement read from the page before it has an id and a component. */
export interface Draft {
  component: string;
  requirement: Omit<Requirement, "id" | "source">;
  source: { line: number; table?: number; row?: number };
  /** Read from a bi-directional row (one draft per direction). */
  bidirectional?: boolean;
}

/** Something on the page the importer saw but could not (or only partly) classify. */
export interface Finding {
  line: number;
  text: string;
  reason: string;
}

export interface Report {
  /** Cells, columns, rows or lines not understood: reviewed by a person, never guessed silently. */
  unclassified: Finding[];
  /** Defaults taken where the page says nothing (e.g. no direction column). */
  assumptions: Finding[];
}

/**
 * Stable requirement id from what identifies the row: component, destination (or the peer of an
 * inbound rule), port, protocol and geography. Same page → same ids.
 */
function idOf(componentId: string, d: Draft): string {
  const r = d.requirement;
  const end = r.direction === "ingress" && r.peer ? `from-${customerKey(r.peer)}` : slug(r.destination) || "host";
  const port = r.port !== undefined ? `.${r.port}${r.portEnd !== undefined ? `-${r.portEnd}` : ""}` : r.portKey ? `.${r.portKey}` : "";
  const proto = r.protocol === "udp" || r.protocol === "icmp" ? `-${r.protocol}` : "";
  const dir = d.bidirectional ? (r.direction === "ingress" ? ".in" : ".out") : "";
  const geo = r.geos?.length === 1 ? `@${r.geos[0]}` : "";
  return `${componentId}.${end}${port}${proto}${dir}${geo}`;
}

/** Groups drafts into components (page order) and gives every requirement a unique, stable id. */
export function assemble(
  drafts: Draft[],
  meta: { product: string; name: string; file: string; title?: string; geos: string[]; defaultGeo?: string },
  rename: { components?: Record<string, { id?: string; name?: string }>; destinations?: Record<string, string> } = {},
): Catalog {
  const components = new Map<string, Catalog["components"][number]>();
  const used = new Set<string>();
  /** Next suffix per base id, so many rows with one id stay linear. */
  const next = new Map<string, number>();
  for (const draft of drafts) {
    const importedId = slug(draft.component) || "general";
    const override = rename.components?.[importedId];
    const id = override?.id ?? importedId;
    let component = components.get(id);
    if (!component) {
      component = { id, name: override?.name ?? draft.component, requirements: [] };
      components.set(id, component);
    }
    const destination = rename.destinations?.[draft.requirement.destination] ?? draft.requirement.destination;
    const renamed: Draft = { ...draft, requirement: { ...draft.requirement, destination } };
    const base = idOf(id, renamed);
    let n = next.get(base) ?? 1;
    let reqId = n === 1 ? base : `${base}-${n}`;
    while (used.has(reqId)) reqId = `${base}-${++n}`;
    next.set(base, n + 1);
    used.add(reqId);
    component.requirements.push({ id: reqId, ...renamed.requirement, source: { file: meta.file, ...draft.source } });
  }
  return {
    product: meta.product,
    name: meta.name,
    source: { file: meta.file, ...(meta.title ? { title: meta.title } : {}) },
    geos: meta.geos,
    ...(meta.defaultGeo ? { defaultGeo: meta.defaultGeo } : {}),
    components: [...components.values()],
  };
}
