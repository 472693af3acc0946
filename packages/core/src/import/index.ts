export { importPage, ImportError, MAX_PAGE_BYTES, type ImportOptions, type ImportResult } from "./importer.js";
export { applyOverrides, importWithOverrides, parseOverrides, OverridesSchema, type Overrides } from "./overrides.js";
export type { Finding } from "./draft.js";
