import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { importWithOverrides, parseOverrides, type ImportResult } from "../import/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the committed built-in catalogs live. */
export const DATA_DIR = join(HERE, "data");
/** Where each product's reviewed overrides live. */
export const OVERRIDES_DIR = join(HERE, "overrides");

/**
 * The vendor seed pages: `PROBEMESH_SEEDS`, else `../shared/seeds` beside the repository
 * (as in CI), else /work/shared/seeds. Undefined when none exists.
 */
export function seedsDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [env.PROBEMESH_SEEDS, resolve(HERE, "../../../../../shared/seeds"), "/work/shared/seeds"];
  return candidates.find((dir): dir is string => dir !== undefined && existsSync(dir));
}

/** Imports one built-in product from its seed page and overrides, as `regenerate` writes it. */
export function importBuiltin(product: string, seeds: string): ImportResult {
  const overrides = parseOverrides(JSON.parse(readFileSync(join(OVERRIDES_DIR, `${product}.json`), "utf8")), `overrides/${product}.json`);
  return importWithOverrides(readFileSync(join(seeds, overrides.seed), "utf8"), overrides);
}
