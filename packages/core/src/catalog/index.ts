import auth0PrivateCloud from "./data/auth0-private-cloud.json" with { type: "json" };
import auth0Appliance from "./data/auth0-appliance.json" with { type: "json" };
import strongdm from "./data/strongdm.json" with { type: "json" };
import circleciServer from "./data/circleci-server.json" with { type: "json" };
import kongKonnect from "./data/kong-konnect.json" with { type: "json" };
import { BUILTIN_PRODUCTS, type BuiltinProduct } from "./products.js";
import { parseCatalog, type Catalog } from "./schema.js";

export * from "./schema.js";

export { BUILTIN_PRODUCTS, type BuiltinProduct } from "./products.js";

const RAW: Record<BuiltinProduct, unknown> = {
  "auth0-private-cloud": auth0PrivateCloud,
  "auth0-appliance": auth0Appliance,
  strongdm,
  "circleci-server": circleciServer,
  "kong-konnect": kongKonnect,
};

const cache = new Map<string, Catalog>();

/** No catalog with that id; the message lists the valid ones. */
export class UnknownProductError extends Error {
  override name = "UnknownProductError";
  constructor(readonly product: string) {
    super(`unknown product "${product}" (valid: ${BUILTIN_PRODUCTS.join(", ")})`);
  }
}

/** True when `id` names a built-in product. */
export function isProduct(id: string): id is BuiltinProduct {
  return (BUILTIN_PRODUCTS as readonly string[]).includes(id);
}

/** The built-in catalog of a product, validated against the schema on first use. */
export function getCatalog(id: string): Catalog {
  if (!isProduct(id)) throw new UnknownProductError(id);
  let catalog = cache.get(id);
  if (!catalog) {
    catalog = parseCatalog(RAW[id], `built-in catalog ${id}`);
    cache.set(id, catalog);
  }
  return catalog;
}

/** One line per built-in product: id, name, geographies, number of requirements. */
export interface ProductSummary {
  product: string;
  name: string;
  geos: string[];
  components: number;
  requirements: number;
  source: string;
}

/** Summaries of every built-in product. */
export function listProducts(): ProductSummary[] {
  return BUILTIN_PRODUCTS.map((id) => summarize(getCatalog(id)));
}

/** Summary of any catalog (built-in or imported). */
export function summarize(catalog: Catalog): ProductSummary {
  return {
    product: catalog.product,
    name: catalog.name,
    geos: catalog.geos,
    components: catalog.components.length,
    requirements: catalog.components.reduce((n, c) => n + c.requirements.length, 0),
    source: catalog.source.file,
  };
}
