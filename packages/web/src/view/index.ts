import type { Bucket, CheckRow, HistoryPoint, MaintenanceWindowView, Outcome, Status, Verdict } from "../api/index.js";

/**
 * Pure presentation rules of the status page: how a status, verdict, age or
 * latency reads as text, how checks group into products and components, and how
 * history rollups become uptime bars and latency series. No DOM here, so every
 * rule is unit-tested in Node.
 */

/** Colour tone a CSS class carries; the text and icon always say the same thing. */
export type Tone = "pass" | "fail" | "inconclusive" | "partial" | "none";

export interface Presentation {
  icon: string;
  text: string;
  tone: Tone;
}

const STATUS: Record<Status, Presentation> = {
  pass: { icon: "✓", text: "pass", tone: "pass" },
  fail: { icon: "✕", text: "fail", tone: "fail" },
  inconclusive: { icon: "?", text: "inconclusive", tone: "inconclusive" },
};
const NO_DATA: Presentation = { icon: "–", text: "no data", tone: "none" };

/** Icon, word and tone for a probe status; `undefined` (no result yet) reads "no data". */
export function statusPresentation(status: Status | undefined): Presentation {
  return status === undefined ? NO_DATA : STATUS[status];
}

const VERDICT: Record<Verdict, Presentation> = {
  up: { icon: "✓", text: "Up", tone: "pass" },
  degraded: { icon: "◐", text: "Degraded", tone: "partial" },
  down: { icon: "✕", text: "Down", tone: "fail" },
  unknown: { icon: "?", text: "Unknown", tone: "none" },
};

/** Icon, word and tone for a cross-region verdict. */
export function verdictPresentation(verdict: Verdict | undefined): Presentation {
  return VERDICT[verdict ?? "unknown"];
}

const OUTCOME_TEXT: Record<Outcome, string> = {
  ok: "ok",
  dns_nxdomain: "NXDOMAIN",
  dns_timeout: "DNS timeout",
  dns_error: "DNS error",
  tcp_refused: "refused",
  tcp_timeout: "TCP timeout",
  host_unreachable: "unreachable",
  tls_handshake_failed: "TLS handshake failed",
  tls_cert_expired: "cert expired",
  tls_cert_untrusted: "cert untrusted",
  tls_name_mismatch: "cert name mismatch",
  http_status: "HTTP status",
  http_timeout: "HTTP timeout",
  udp_reply: "UDP reply",
  udp_closed: "UDP port closed",
  udp_no_reply: "no UDP reply",
  proxy_denied: "proxy denied",
  unsupported: "unsupported",
  invalid_target: "invalid target",
  tls_cert_expiring: "cert expiring",
};

/**
 * Short human wording of an outcome; unknown codes are shown as they came. With the result's
 * detail, an expiring certificate says how many days it has left.
 */
export function outcomeText(outcome: string, detail?: Record<string, unknown> | null): string {
  const text = (OUTCOME_TEXT as Record<string, string>)[outcome] ?? outcome;
  const daysLeft = detail?.daysLeft;
  if (outcome !== "tls_cert_expiring" || typeof daysLeft !== "number") return text;
  return `cert expires in ${daysLeft} day${daysLeft === 1 ? "" : "s"}`;
}

/**
 * An active maintenance window in one line: "Maintenance: upgrade until 2026-12-02 15:00 UTC (eu-west-1)".
 * Times are UTC so every reader of the page sees the same text.
 */
export function maintenanceText(window: MaintenanceWindowView): string {
  const until = window.endsAt.slice(0, 16).replace("T", " ");
  const where = window.regions?.length ? ` (${window.regions.join(", ")})` : "";
  return `Maintenance: ${window.name} until ${until} UTC${where}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago"; "—" for a missing or bad time. */
export function formatAge(iso: string | null | undefined, nowMs: number): string {
  const then = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(then)) return "—";
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** A span of time for incident lengths: "42 s", "5 min", "3 h 12 min", "2 d 4 h". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** "<1 ms", "87 ms", "1.25 s", "12 s"; "—" when there is no number. */
export function formatLatency(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** An uptime ratio as a percentage with just enough digits: "100%", "99.95%", "50%". */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return "no data";
  if (ratio >= 1) return "100%";
  // Round down: anything short of every check passing must never read "100%".
  const digits = ratio >= 0.99 ? 2 : 1;
  const scale = 10 ** digits;
  const text = (Math.floor(ratio * 100 * scale) / scale).toFixed(digits);
  return `${text.replace(/\.?0+$/, "")}%`;
}

export interface ComponentGroup {
  component: string;
  /** Heading for the component: its name as the check labels spell it, else the id in words. */
  title: string;
  checks: CheckRow[];
}
export interface ProductGroup {
  product: string;
  components: ComponentGroup[];
}

const OTHER = "other";

/** Rows grouped product → component, each level sorted by name, checks by label then target. */
export function groupChecks(checks: readonly CheckRow[]): ProductGroup[] {
  const byProduct = new Map<string, Map<string, CheckRow[]>>();
  for (const check of checks) {
    const product = check.product || OTHER;
    const component = check.component || OTHER;
    let components = byProduct.get(product);
    if (!components) byProduct.set(product, (components = new Map()));
    let rows = components.get(component);
    if (!rows) components.set(component, (rows = []));
    rows.push(check);
  }
  const byName = (a: string, b: string) => a.localeCompare(b);
  return [...byProduct.keys()].sort(byName).map((product) => {
    const components = byProduct.get(product)!;
    return {
      product,
      components: [...components.keys()].sort(byName).map((component) => {
        const rows = [...components.get(component)!].sort(
          (a, b) => rowTitle(a).localeCompare(rowTitle(b)) || a.target.localeCompare(b.target),
        );
        return { component, title: componentTitle(product, component, rows), checks: rows };
      }),
    };
  });
}

/**
 * Labels read "Product / Component → requirement". Split there, so a row under its
 * product and component headings shows just the requirement.
 */
export function splitLabel(label: string): { context?: string; name: string } {
  const arrow = label.indexOf(" → ");
  if (arrow < 0) return { name: label };
  return { context: label.slice(0, arrow), name: label.slice(arrow + 3) };
}

/** A row's text in the matrix: the requirement part of its label. */
export function rowTitle(check: { label?: string | null; target?: string; checkId: string }): string {
  return splitLabel(checkTitle(check)).name;
}

function componentTitle(product: string, component: string, rows: readonly CheckRow[]): string {
  const context = rows.map((row) => splitLabel(checkTitle(row)).context).find((c) => c !== undefined);
  const prefix = `${productName(product)} / `;
  if (context?.startsWith(prefix) && context.length > prefix.length) return context.slice(prefix.length);
  const words = component.replace(/[-_]+/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What a check is called on screen: its label, or its target when it has none. */
export function checkTitle(check: { label?: string | null; target?: string; checkId: string }): string {
  return check.label || check.target || check.checkId;
}

/**
 * Region columns: the API's region list first (its order), then any region that
 * only appears in check results, alphabetically.
 */
export function regionColumns(known: readonly { region: string }[], checks: readonly CheckRow[]): string[] {
  const columns = known.map((r) => r.region);
  const extra = new Set<string>();
  for (const check of checks) for (const region of Object.keys(check.regions)) if (!columns.includes(region)) extra.add(region);
  return [...columns, ...[...extra].sort()];
}

const BUCKET_MS: Record<Exclude<Bucket, "raw">, number> = { "1h": 3_600_000, "1d": 86_400_000 };

/** Start (UTC, ms) of the bucket holding `ms`. */
export function bucketStart(ms: number, bucket: Exclude<Bucket, "raw">): number {
  return Math.floor(ms / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
}

/** Every bucket start from the one holding `fromMs` to the one holding `toMs`. */
export function bucketGrid(fromMs: number, toMs: number, bucket: Exclude<Bucket, "raw">): number[] {
  const grid: number[] = [];
  for (let t = bucketStart(fromMs, bucket); t <= toMs; t += BUCKET_MS[bucket]) grid.push(t);
  return grid;
}

export interface UptimeSlot {
  start: number;
  counts: Record<Status, number>;
  /** pass / (pass + fail); null when no pass or fail was seen (inconclusive alone is not uptime). */
  uptime: number | null;
  tone: Tone;
}

/** Tone of one uptime bar. */
export function uptimeTone(counts: Record<Status, number>): Tone {
  const decided = counts.pass + counts.fail;
  if (decided === 0) return counts.inconclusive > 0 ? "inconclusive" : "none";
  if (counts.fail === 0) return "pass";
  return counts.pass === 0 ? "fail" : "partial";
}

function emptyCounts(): Record<Status, number> {
  return { pass: 0, fail: 0, inconclusive: 0 };
}

function pointsOf(series: readonly HistoryPoint[], region: string, bucket: Exclude<Bucket, "raw">): Map<number, HistoryPoint[]> {
  const byStart = new Map<number, HistoryPoint[]>();
  for (const point of series) {
    if (point.region !== region) continue;
    const at = Date.parse(point.start);
    if (Number.isNaN(at)) continue;
    const key = bucketStart(at, bucket);
    byStart.set(key, [...(byStart.get(key) ?? []), point]);
  }
  return byStart;
}

/**
 * One slot per bucket of the range for one region, with the counts the rollups
 * hold (points that fall into the same bucket, e.g. raw items of the open bucket,
 * are added up); buckets without data stay as "no data" slots.
 */
export function uptimeSlots(
  series: readonly HistoryPoint[],
  region: string,
  range: { fromMs: number; toMs: number; bucket: Exclude<Bucket, "raw"> },
): UptimeSlot[] {
  const byStart = pointsOf(series, region, range.bucket);
  return bucketGrid(range.fromMs, range.toMs, range.bucket).map((start) => {
    const counts = emptyCounts();
    for (const point of byStart.get(start) ?? []) {
      counts.pass += point.counts.pass ?? 0;
      counts.fail += point.counts.fail ?? 0;
      counts.inconclusive += point.counts.inconclusive ?? 0;
    }
    const decided = counts.pass + counts.fail;
    return { start, counts, uptime: decided === 0 ? null : counts.pass / decided, tone: uptimeTone(counts) };
  });
}

/** Uptime over all slots: total passes over total decided results, null without any. */
export function overallUptime(slots: readonly UptimeSlot[]): number | null {
  let pass = 0;
  let decided = 0;
  for (const slot of slots) {
    pass += slot.counts.pass;
    decided += slot.counts.pass + slot.counts.fail;
  }
  return decided === 0 ? null : pass / decided;
}

/**
 * uPlot's aligned data for one region: [x in seconds, p50, p95, p99], one x per
 * bucket of the range, null where a bucket has no latency. When several points
 * share a bucket the one with most samples wins, since percentiles cannot be added.
 */
export function latencySeries(
  series: readonly HistoryPoint[],
  region: string,
  range: { fromMs: number; toMs: number; bucket: Exclude<Bucket, "raw"> },
): [number[], (number | null)[], (number | null)[], (number | null)[]] {
  const byStart = pointsOf(series, region, range.bucket);
  const xs: number[] = [];
  const p50: (number | null)[] = [];
  const p95: (number | null)[] = [];
  const p99: (number | null)[] = [];
  for (const start of bucketGrid(range.fromMs, range.toMs, range.bucket)) {
    const best = (byStart.get(start) ?? [])
      .filter((p) => p.latency.count > 0)
      .sort((a, b) => b.latency.count - a.latency.count)[0];
    xs.push(start / 1000);
    p50.push(best?.latency.p50 ?? null);
    p95.push(best?.latency.p95 ?? null);
    p99.push(best?.latency.p99 ?? null);
  }
  return [xs, p50, p95, p99];
}

/** The three history ranges the page offers and the rollup each one reads. */
export const RANGES = [
  { id: "24h", label: "24 h", ms: 86_400_000, bucket: "1h" },
  { id: "7d", label: "7 d", ms: 7 * 86_400_000, bucket: "1h" },
  { id: "30d", label: "30 d", ms: 30 * 86_400_000, bucket: "1d" },
] as const satisfies readonly { id: string; label: string; ms: number; bucket: Exclude<Bucket, "raw"> }[];

export type RangeId = (typeof RANGES)[number]["id"];

const PRODUCT_NAMES: Record<string, string> = {
  "auth0-private-cloud": "Auth0 Private Cloud",
  "auth0-appliance": "Auth0 Appliance",
  strongdm: "StrongDM",
  "circleci-server": "CircleCI Server",
  "kong-konnect": "Kong Konnect",
};

/** The built-in catalog's product ids. */
export const PRODUCT_IDS = Object.keys(PRODUCT_NAMES);

/** Display name of a built-in product id; other ids are shown as they are. */
export function productName(id: string): string {
  return PRODUCT_NAMES[id] ?? id;
}

/** What the matrix filter asks for. */
export interface CheckFilter {
  /** Words that must all appear in the label, target, product or component (case-insensitive). */
  text: string;
  /** Keep only checks whose verdict is not up or whose last result somewhere is not a pass. */
  onlyProblems: boolean;
}

/** The checks the matrix shows under `filter`; `verdicts` maps checkId → verdict. */
export function filterChecks(checks: readonly CheckRow[], verdicts: ReadonlyMap<string, Verdict>, filter: CheckFilter): CheckRow[] {
  const words = filter.text.toLowerCase().split(/\s+/).filter((w) => w !== "");
  return checks.filter((check) => {
    if (filter.onlyProblems) {
      const healthy = verdicts.get(check.checkId) === "up" && Object.values(check.regions).every((cell) => cell.status === "pass");
      if (healthy) return false;
    }
    const haystack = [check.label, check.target, check.product, check.component, check.product ? productName(check.product) : ""]
      .join(" ")
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
}

/**
 * The region's state when the last result alone would mislead: "down for 5 min"
 * while it is down (also when it just passed once and is recovering), nothing otherwise.
 */
export function stateNote(cell: { state: string; since: string } | undefined, nowMs: number): string | undefined {
  if (!cell || cell.state !== "down") return undefined;
  const age = formatAge(cell.since, nowMs);
  if (age === "—") return "down";
  return age === "just now" ? "down since just now" : `down for ${age.replace(" ago", "")}`;
}
