import * as v from "valibot";
import { DIRECTIONS, LEVELS, PROTOCOLS, describeIssues, parseCatalog, type Catalog, type Requirement } from "../catalog/schema.js";
import { importPage, ImportError, type ImportResult } from "./importer.js";

const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));

/** Fields a reviewed patch may set on imported requirements. */
const PatchFields = v.strictObject({
  destination: v.optional(v.string()),
  peer: v.optional(v.string()),
  port: v.optional(Port),
  portEnd: v.optional(Port),
  portKey: v.optional(v.string()),
  portDefault: v.optional(Port),
  protocol: v.optional(v.picklist(PROTOCOLS)),
  direction: v.optional(v.picklist(DIRECTIONS)),
  level: v.optional(v.picklist(LEVELS)),
  condition: v.optional(v.string()),
  geos: v.optional(v.array(v.string())),
  use: v.optional(v.string()),
  description: v.optional(v.string()),
});

/**
 * The small, reviewed difference between what the importer reads from a seed page and the
 * built-in catalog. Every patch says why; a patch that matches nothing is an error.
 */
export const OverridesSchema = v.strictObject({
  product: v.string(),
  name: v.string(),
  seed: v.string(),
  geos: v.optional(v.array(v.string())),
  defaultGeo: v.optional(v.string()),
  /** Imported component id → final id / display name. */
  components: v.optional(v.record(v.string(), v.strictObject({ id: v.optional(v.string()), name: v.optional(v.string()) }))),
  /** Imported destination (e.g. `<cluster-nodes>`) → final destination (e.g. `<node>`). */
  destinations: v.optional(v.record(v.string(), v.string())),
  patches: v.optional(
    v.array(
      v.strictObject({
        /** Requirement id; `*` matches any run of characters. */
        match: v.string(),
        set: v.optional(PatchFields),
        unset: v.optional(v.array(v.picklist(["condition", "portKey", "portDefault", "peer", "geos", "addresses"]))),
        why: v.pipe(v.string(), v.minLength(10, "say why (10+ characters)")),
      }),
    ),
  ),
});

export type Overrides = v.InferOutput<typeof OverridesSchema>;

/** Validates an overrides file's data. */
export function parseOverrides(data: unknown, origin = "overrides"): Overrides {
  const result = v.safeParse(OverridesSchema, data);
  if (!result.success) throw new ImportError(`${origin}: ${describeIssues(result.issues)}`);
  return result.output;
}

/** Applies the patches of an overrides file to an imported catalog (renames happen during import). */
export function applyOverrides(catalog: Catalog, overrides: Overrides): Catalog {
  const next: Catalog = structuredClone(catalog);
  if (overrides.geos) next.geos = overrides.geos;
  if (overrides.defaultGeo) next.defaultGeo = overrides.defaultGeo;
  for (const patch of overrides.patches ?? []) {
    const pattern = new RegExp(`^${patch.match.split("*").map(escapeRegExp).join(".*")}$`);
    const hits = next.components.flatMap((c) => c.requirements).filter((r) => pattern.test(r.id));
    if (hits.length === 0) throw new ImportError(`override "${patch.match}" matches no requirement of ${next.product}`);
    for (const r of hits) {
      for (const key of patch.unset ?? []) delete (r as Partial<Requirement>)[key];
      Object.assign(r, patch.set);
    }
  }
  return parseCatalog(next, `${overrides.product} after overrides`);
}

/** Imports a seed page the way the built-in catalog was made: renames, then reviewed patches. */
export function importWithOverrides(text: string, overrides: Overrides): ImportResult {
  const imported = importPage(text, {
    file: overrides.seed,
    product: overrides.product,
    name: overrides.name,
    ...(overrides.components ? { components: overrides.components } : {}),
    ...(overrides.destinations ? { destinations: overrides.destinations } : {}),
  });
  return { ...imported, catalog: applyOverrides(imported.catalog, overrides) };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}
