import * as v from "valibot";

/** Protocols a requirement can name; `tls`/`https` only where the vendor page says so. */
export const PROTOCOLS = ["tcp", "udp", "icmp", "tls", "https"] as const;
export const DIRECTIONS = ["egress", "ingress", "internal"] as const;
export const LEVELS = ["required", "optional", "conditional"] as const;

const Port = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535));
const Slug = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9.@-]*$/, "lower-case id (a-z, 0-9, '.', '-', '@')"));

/** Where a requirement was read: seed file, line, and (for tables) table and data-row number. */
export const SourceSchema = v.strictObject({
  file: v.pipe(v.string(), v.minLength(1)),
  line: v.pipe(v.number(), v.integer(), v.minValue(1)),
  table: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  row: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

/**
 * One host/port the vendor lists. `destination` is what a probe connects to: a hostname,
 * an IP, a CIDR, or a template with placeholders (`{region}`, `CONTROL_PLANE_ID`, `<node>`).
 */
export const RequirementSchema = v.pipe(
  v.strictObject({
    id: Slug,
    destination: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:*{}<>\/-]+$/, "a hostname, IP, CIDR or template (no spaces)")),
    /** The other side of the row as the page names it (e.g. the source of an inbound rule). */
    peer: v.optional(v.string()),
    /** Addresses the page prints beside the hostname, e.g. "apt-mirror.it.auth0.com (52.8.153.197)". */
    addresses: v.optional(v.array(v.string())),
    port: v.optional(Port),
    /** Last port of a range `port`-`portEnd`. */
    portEnd: v.optional(Port),
    /** The port is chosen by the customer ("Custom"): its value comes from the profile / --set. */
    portKey: v.optional(v.pipe(v.string(), v.minLength(1))),
    /** Default the page states for a customer-chosen port ("default 5000"). */
    portDefault: v.optional(Port),
    protocol: v.picklist(PROTOCOLS),
    direction: v.picklist(DIRECTIONS),
    level: v.picklist(LEVELS),
    /** The condition's text, as the page words it; present exactly when level is conditional. */
    condition: v.optional(v.pipe(v.string(), v.minLength(1))),
    /** Vendor geographies this row applies to; absent = every geography of the product. */
    geos: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))),
    use: v.optional(v.string()),
    description: v.optional(v.string()),
    source: SourceSchema,
  }),
  v.check((r) => (r.level === "conditional") === (r.condition !== undefined), "condition text is required exactly when level is conditional"),
  v.check((r) => r.portEnd === undefined || (r.port !== undefined && r.portEnd > r.port), "portEnd must follow a smaller port"),
  v.check((r) => r.protocol !== "icmp" || (r.port === undefined && r.portKey === undefined), "icmp has no port"),
);

export const ComponentSchema = v.strictObject({
  id: Slug,
  name: v.pipe(v.string(), v.minLength(1)),
  requirements: v.array(RequirementSchema),
});

/** A product's catalog: product → component → requirement. */
export const CatalogSchema = v.pipe(
  v.strictObject({
    product: Slug,
    name: v.pipe(v.string(), v.minLength(1)),
    source: v.strictObject({ file: v.string(), title: v.optional(v.string()) }),
    /** Vendor geographies (`--geo`); empty when the product has none. */
    geos: v.array(v.pipe(v.string(), v.minLength(1))),
    /** Geography the page calls the default, used when no --geo is given. */
    defaultGeo: v.optional(v.string()),
    components: v.array(ComponentSchema),
  }),
  v.check((c) => {
    const ids = c.components.flatMap((k) => k.requirements.map((r) => r.id));
    return new Set(ids).size === ids.length;
  }, "requirement ids must be unique within a catalog"),
  v.check((c) => c.defaultGeo === undefined || c.geos.includes(c.defaultGeo), "defaultGeo must be one of geos"),
);

export type Protocol = (typeof PROTOCOLS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type RequirementLevel = (typeof LEVELS)[number];
export type Source = v.InferOutput<typeof SourceSchema>;
export type Requirement = v.InferOutput<typeof RequirementSchema>;
export type Component = v.InferOutput<typeof ComponentSchema>;
export type Catalog = v.InferOutput<typeof CatalogSchema>;

/** A catalog failed validation; `issues` name the path of each bad field. */
export class CatalogError extends Error {
  override name = "CatalogError";
}

/** Validates unknown data as a catalog, throwing a CatalogError that names the bad field's path. */
export function parseCatalog(data: unknown, origin = "catalog"): Catalog {
  const result = v.safeParse(CatalogSchema, data);
  if (result.success) return result.output;
  throw new CatalogError(`${origin}: ${describeIssues(result.issues)}`);
}

/** "components.0.requirements.3.port: Invalid type…" for the first few issues. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join(".");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}
