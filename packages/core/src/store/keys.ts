/**
 * Key layout of the single table (see README.md). Every time inside a key is a canonical
 * `toISOString()` so that string order is time order.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const keys = {
  /** Raw results of one region × shard; sk = `${firstAt}#${roundId}#${contentHash}`. */
  raw: (region: string, shard: number) => `RAW#${region}#${shard}`,
  /**
   * Latest result + threshold state of every check in one region × shard (one blob), its own
   * partition key so a round's state puts spread over one partition per shard.
   */
  state: (region: string, shard: number) => `STATE#${region}#${shard}`,
  stateSk: "STATE",
  /** Before the shard moved into the partition key: every shard item of a region under one key (read once to carry state over). */
  legacyState: (region: string) => `STATE#${region}`,
  legacyShard: (shard: number) => `SHARD#${shard}`,
  /** Last hour rolled up for one region × shard: pk `STATE#{region}`, written once an hour. */
  closed: (region: string) => `STATE#${region}`,
  closedShard: (shard: number) => `CLOSED#${shard}`,
  regions: "REGIONS",
  /** Hourly (`1h#…`) and daily (`1d#…`) rollups of one check × region. */
  rollup: (checkId: string, region: string) => `ROLL#${checkId}#${region}`,
  rollupSk: (bucket: "1h" | "1d", start: string) => `${bucket}#${start}`,
  /** GSI1: the hourly rollups of one region × shard × day, read when the day closes. */
  hourlyOfDay: (region: string, shard: number, day: string) => `ROLLH#${region}#${shard}#${day.slice(0, 10)}`,
  heartbeat: "HEARTBEAT",
  /** The latest alert delivery per destination; sk = destination name. */
  alertDelivery: "ALERT_DELIVERY",
  /** The verdict model's meta item (sk `META`: evaluation time, regions, quorum, shard count); before the move also its shards (sk `SHARD#{n}`). */
  verdicts: "VERDICT",
  /** One shard of the verdict model (map check → verdict), its own partition key like region state. */
  verdict: (shard: number) => `VERDICT#${shard}`,
  verdictSk: "VERDICT",
  /** Incidents by the month they opened; sk = `${openedAt}#${id}`. */
  incidentsOpened: (at: string) => `INCIDENTS#${at.slice(0, 7)}`,
  /** GSI1: incidents by the month they resolved; gsi1sk = `${resolvedAt}#${id}`. */
  incidentsResolved: (at: string) => `INCIDENTS_RESOLVED#${at.slice(0, 7)}`,
  /** The open incident of each check; sk = checkId. */
  openIncidents: "INCIDENTS_OPEN",
  probe: (id: string) => `PROBE#${id}`,
  claim: (key: string) => `CLAIM#${key}`,
  /** The last check of each watched vendor page; sk = `${product}#${url}`. */
  drift: "DRIFT",
  /** Each distinct change of a product's page, once; sk = `${fingerprint}#${url}`. */
  driftChange: (product: string) => `DRIFT_CHANGE#${product}`,
  hit: (key: string, windowStart: number) => `HIT#${key}#${windowStart}`,
} as const;

/** FNV-1a: a stable, fast spread of check ids over shards. */
export function shardOf(checkId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < checkId.length; i++) {
    hash ^= checkId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export function hourStart(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(ms - (ms % HOUR_MS)).toISOString();
}

export function dayStart(iso: string): string {
  const ms = Date.parse(iso);
  return new Date(ms - (ms % DAY_MS)).toISOString();
}

export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
}

export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** The months (`YYYY-MM-…` strings usable with the incident keys) touching [from, to]. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  const cursor = new Date(`${from.slice(0, 7)}-01T00:00:00.000Z`);
  while (cursor.toISOString().slice(0, 7) <= to.slice(0, 7)) {
    months.push(cursor.toISOString());
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return months;
}

/** Epoch seconds for DynamoDB TTL. */
export function ttlAt(iso: string, days: number): number {
  return Math.floor(Date.parse(iso) / 1000) + Math.round(days * 86_400);
}

/** ISO string in canonical form, or undefined when it is not a date. */
export function canonicalTime(value: string): string | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}
