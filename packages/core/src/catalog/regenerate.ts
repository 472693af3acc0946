/**
 * Rebuilds the committed built-in catalogs from the seed pages + reviewed overrides:
 *   npx tsx packages/core/src/catalog/regenerate.ts [seeds-dir]
 * Review the git diff of packages/core/src/catalog/data/ before committing.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BUILTIN_PRODUCTS } from "./products.js";
import { DATA_DIR, importBuiltin, seedsDir } from "./builtin-sources.js";

const seeds = process.argv[2] ?? seedsDir();
if (!seeds) {
  console.error("regenerate: no seeds directory (pass one, or set PROBEMESH_SEEDS)");
  process.exit(2);
}
for (const product of BUILTIN_PRODUCTS) {
  const { catalog, unclassified } = importBuiltin(product, seeds);
  writeFileSync(join(DATA_DIR, `${product}.json`), `${JSON.stringify(catalog, null, 2)}\n`);
  const count = catalog.components.reduce((n, c) => n + c.requirements.length, 0);
  console.log(`${product}: ${count} requirements, ${unclassified.length} unclassified`);
}
