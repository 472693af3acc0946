import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * Blobs (packed raw results, region state, verdicts) are JSON compressed with raw
 * DEFLATE: results of one round repeat most of their text, so they shrink 5–10× and
 * write units (billed per KB) shrink with them.
 */
export function packJson(value: unknown): Uint8Array {
  return deflateRawSync(JSON.stringify(value), { level: 6 });
}

export function unpackJson<T>(bytes: Uint8Array): T {
  return JSON.parse(inflateRawSync(bytes).toString("utf8")) as T;
}
