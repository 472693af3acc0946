import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PRODUCTS, getCatalog } from "./index.js";
import { DATA_DIR, importBuiltin, seedsDir } from "./builtin-sources.js";

const seeds = seedsDir();

// CI has ../shared beside the repository; elsewhere the suite runs only where the seeds exist.
describe.runIf(seeds !== undefined || process.env.CI)("built-in catalogs are reproducible from the seed pages", () => {
  for (const product of BUILTIN_PRODUCTS) {
    it(`${product}: import(seed) + overrides/${product}.json equals data/${product}.json`, () => {
      expect(seeds, "seed pages not found (set PROBEMESH_SEEDS)").toBeDefined();
      const { catalog } = importBuiltin(product, seeds!);
      const committed: unknown = JSON.parse(readFileSync(join(DATA_DIR, `${product}.json`), "utf8"));
      expect(catalog).toEqual(committed);
      expect(catalog).toEqual(getCatalog(product));
    });
  }

  it("keeps the overrides small", () => {
    for (const product of BUILTIN_PRODUCTS) {
      const overrides = JSON.parse(readFileSync(join(DATA_DIR, "..", "overrides", `${product}.json`), "utf8")) as { patches?: unknown[] };
      expect(overrides.patches?.length ?? 0, product).toBeLessThanOrEqual(3);
    }
  });
});
