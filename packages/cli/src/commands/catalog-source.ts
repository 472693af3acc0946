import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { getCatalog, isProduct, parseCatalog, type Catalog } from "@probemesh/core/catalog";
import { MAX_PAGE_BYTES, importPage } from "@probemesh/core/import";
import { readCapped, UsageError, type CliIO } from "../io.js";

const NOT_FOUND = new Set(["ENOENT", "ENOTDIR", "EISDIR"]);

/** A built-in product id, a catalog JSON file, or a vendor page (imported on the fly). */
export async function loadCatalog(io: CliIO, ref: string): Promise<Catalog> {
  if (isProduct(ref)) return getCatalog(ref);
  let text: string;
  try {
    text = await readCapped(createReadStream(resolve(io.cwd, ref)), MAX_PAGE_BYTES, ref);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? "error";
    if (!ref.includes("/") && !ref.includes(".") && NOT_FOUND.has(code)) getCatalog(ref);
    throw new UsageError(`${ref}: not a product id and not a readable file (${code})`);
  }
  if (/^\s*\{/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${ref}: invalid JSON: ${(error as Error).message}`);
    }
    const inner = (data as { catalog?: unknown }).catalog;
    return parseCatalog(inner ?? data, ref);
  }
  return importPage(text, { file: ref }).catalog;
}
