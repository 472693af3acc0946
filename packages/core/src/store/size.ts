/**
 * What the store's items weigh, for the cost estimate (packages/core/src/cost): the items come from
 * the same encoders writeResults uses, sized by DynamoDB's published rules and billed in its units.
 */
import type { ProbeResult } from "../result/index.js";
import { DEFAULT_THRESHOLDS } from "../verdict/index.js";
import { hourlyRollupItems } from "./buckets.js";
import type { Item } from "./context.js";
import { shardOf } from "./keys.js";
import { packRawItems } from "./raw.js";
import { firstStateBlob, roundCounters, stateItem } from "./state.js";

/** Size of a number as DynamoDB counts it: about one byte per two significant digits, plus one. */
function numberBytes(value: number): number {
  const digits = String(Math.abs(value)).replace(/e.*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueBytes(value: unknown): number {
  if (value === null || value === undefined || typeof value === "boolean") return 1;
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number") return numberBytes(value);
  if (value instanceof Uint8Array) return value.byteLength;
  // Lists and maps: 3 bytes, plus 1 per element, plus the elements (and a map's keys).
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, v) => sum + 1 + valueBytes(v), 0);
  return 3 + Object.entries(value as Record<string, unknown>).reduce((sum, [k, v]) => sum + 1 + Buffer.byteLength(k, "utf8") + valueBytes(v), 0);
}

/** Bytes of an item as DynamoDB bills it: attribute names plus values (undefined attributes are not stored). */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) if (value !== undefined) bytes += Buffer.byteLength(name, "utf8") + valueBytes(value);
  return bytes;
}

/** Write request units of one put: one per started KB. */
export const writeUnitsOf = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** Read request units of a Get or of one Query's items together: per started 4 KB, half when eventually consistent. */
export const readUnitsOf = (bytes: number, consistent: boolean) => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

/** The items one region's round writes, built by the store's own encoders. */
export interface RoundItems {
  /** Packed raw result items (BatchWriteItem). */
  raw: Item[];
  /** One state item per shard the round touched (read strongly, then put). */
  state: Item[];
  /** Hourly rollups of these results as one hour's worth (one item per check; each also written to GSI1). */
  hourly: Item[];
}

/**
 * The items `writeResults` writes for one region's round of `results`, and the hourly rollups
 * those results make: raw items from packRawItems, state items from the state encoder, rollups
 * from the rollup encoder. `hourResults` (default `results`) are the results one hour collects.
 */
export function roundItems(opts: { region: string; roundId: string; results: ProbeResult[]; hourResults?: ProbeResult[]; shards?: number; retentionDays?: number }): RoundItems {
  const ctx = { shards: opts.shards ?? 4, retentionDays: opts.retentionDays ?? 30, hourlyRetentionDays: 90 };
  const byShard = new Map<number, ProbeResult[]>();
  for (const result of opts.results) {
    const shard = shardOf(result.checkId, ctx.shards);
    byShard.set(shard, [...(byShard.get(shard) ?? []), result]);
  }
  const at = opts.results[0]?.at ?? new Date(0).toISOString();
  return {
    raw: packRawItems(ctx, opts.region, opts.roundId, opts.results),
    state: [...byShard].map(([shard, members]) => stateItem(opts.region, shard, firstStateBlob(members, DEFAULT_THRESHOLDS), 1, at, roundCounters(members))),
    hourly: hourlyRollupItems(ctx, opts.region, 0, opts.hourResults ?? opts.results),
  };
}
