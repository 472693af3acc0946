import { Cron } from "croner";
import * as v from "valibot";

/**
 * Maintenance windows (profile `maintenance`): while one is active for a check, probing and
 * storage go on, alerts are muted and an incident opened inside it is tagged. A window is either
 * fixed (`start` … `end`) or recurring (`cron` + `durationMinutes`), read in its `timezone`
 * (IANA name, default UTC), and applies to the checks its `match` names (every field optional;
 * a list means any of them).
 */

/** Longest recurring window: one week. */
const MAX_DURATION_MINUTES = 7 * 24 * 60;
const MAX_WINDOWS = 100;
/** `2026-12-24T22:00` (wall-clock time in the window's timezone) or with `Z` / `+01:00` (absolute). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:\d{2})?$/;

const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const OneOrMany = v.union([Name, v.pipe(v.array(Name), v.minLength(1), v.maxLength(100))]);
const DateTime = v.pipe(v.string(), v.regex(DATE_TIME, "a date-time such as 2026-12-24T22:00 (in the window's timezone) or 2026-12-24T22:00Z"));
const TimeZone = v.pipe(v.string(), v.maxLength(64), v.check(isTimeZone, "an IANA time zone such as Europe/Berlin or UTC"));

/** One maintenance window of a profile. */
export const MaintenanceWindowSchema = v.pipe(
  v.strictObject({
    /** Shown on the page, in the API and on tagged incidents (default `window N`). */
    name: v.optional(Name),
    start: v.optional(DateTime),
    end: v.optional(DateTime),
    /** Five-field cron (minute hour day month weekday) of each window's start, in `timezone`. */
    cron: v.optional(v.pipe(v.string(), v.maxLength(100), v.check(isCron, "a five-field cron expression such as '0 2 * * 6'"))),
    durationMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DURATION_MINUTES))),
    timezone: v.optional(TimeZone),
    match: v.optional(
      v.strictObject({ product: v.optional(OneOrMany), component: v.optional(OneOrMany), region: v.optional(OneOrMany), check: v.optional(OneOrMany) }),
      {},
    ),
  }),
  v.check((w) => isFixed(w) !== isRecurring(w), "give start and end, or cron and durationMinutes"),
  v.check((w) => !isFixed(w) || (w.cron === undefined && w.durationMinutes === undefined), "give start and end, or cron and durationMinutes, not both"),
  v.check((w) => !isFixed(w) || !(instantOf(w.end!, w.timezone) <= instantOf(w.start!, w.timezone)), "end must be after start"),
);

export const MaintenanceSchema = v.pipe(v.array(MaintenanceWindowSchema), v.maxLength(MAX_WINDOWS));

export type MaintenanceWindow = v.InferOutput<typeof MaintenanceWindowSchema>;

/** What a window is matched against: a check and, when asked for one region, that region. */
export interface CheckMeta {
  checkId: string;
  target?: string;
  product?: string;
  component?: string;
  /** Omitted: the question is about the check in any region; a region-limited window then counts, with its `regions`. */
  region?: string;
}

/** A window active at the asked time, as the page, the API and incidents show it. */
export interface ActiveWindow {
  name: string;
  /** Start and end of this occurrence (ISO). */
  startedAt: string;
  endsAt: string;
  /** The regions it is limited to; absent = every region. */
  regions?: string[];
}

/**
 * The windows of `profile.maintenance` active at `at` for the check in `meta` (at `start`
 * inclusive, at `end` no longer). Pure: the same inputs give the same answer.
 */
export function activeWindows(profile: { maintenance?: readonly MaintenanceWindow[] | undefined }, at: Date, meta: CheckMeta): ActiveWindow[] {
  const active: ActiveWindow[] = [];
  (profile.maintenance ?? []).forEach((window, index) => {
    if (!matches(window, meta)) return;
    const occurrence = occurrenceAt(window, at);
    if (!occurrence) return;
    const regions = listOf(window.match?.region);
    active.push({
      name: window.name ?? `window ${index + 1}`,
      startedAt: new Date(occurrence.start).toISOString(),
      endsAt: new Date(occurrence.end).toISOString(),
      ...(regions ? { regions } : {}),
    });
  });
  return active;
}

/** True when `region` is inside one of `windows` (a window without regions covers all). */
export function coversRegion(windows: readonly ActiveWindow[], region: string): boolean {
  return windows.some((window) => !window.regions || window.regions.includes(region));
}

function matches(window: MaintenanceWindow, meta: CheckMeta): boolean {
  const match = window.match ?? {};
  const field = (wanted: string | string[] | undefined, ...values: (string | undefined)[]) => {
    const list = listOf(wanted);
    return !list || values.some((value) => value !== undefined && list.includes(value));
  };
  return (
    field(match.product, meta.product) &&
    field(match.component, meta.component) &&
    field(match.check, meta.checkId, meta.target) &&
    (meta.region === undefined || field(match.region, meta.region))
  );
}

/** The occurrence of `window` that contains `at`, in epoch ms; undefined when none does. */
function occurrenceAt(window: MaintenanceWindow, at: Date): { start: number; end: number } | undefined {
  const now = at.getTime();
  if (window.start !== undefined && window.end !== undefined) {
    const start = instantOf(window.start, window.timezone);
    const end = instantOf(window.end, window.timezone);
    return start <= now && now < end ? { start, end } : undefined;
  }
  const durationMs = window.durationMinutes! * 60_000;
  // The first start after (at − duration) is the only one whose window can still contain `at`.
  const next = cronOf(window.cron!, window.timezone).nextRun(new Date(now - durationMs));
  if (!next || next.getTime() > now) return undefined;
  return { start: next.getTime(), end: next.getTime() + durationMs };
}

const crons = new Map<string, Cron>();

/** croner evaluates the pattern in the IANA time zone through Intl, daylight-saving changes included. */
function cronOf(pattern: string, timezone = "UTC"): Cron {
  const key = `${timezone} ${pattern}`;
  let cron = crons.get(key);
  if (!cron) {
    if (crons.size >= 1000) crons.clear();
    cron = new Cron(pattern, { timezone, mode: "5-part", paused: true });
    crons.set(key, cron);
  }
  return cron;
}

/** Epoch ms of a window's date-time: absolute with Z/offset, otherwise wall-clock time in `timezone`. */
export function instantOf(text: string, timezone = "UTC"): number {
  const m = DATE_TIME.exec(text);
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s = "0", ms = "0", zone] = m;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, "0")));
  if (zone === "Z") return wall;
  if (zone) {
    const sign = zone.startsWith("-") ? -1 : 1;
    return wall - sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
  }
  // Wall-clock time → instant: subtract the zone's offset, then correct once for a DST change in between.
  let instant = wall - offsetMs(wall, timezone);
  instant = wall - offsetMs(instant, timezone);
  return instant;
}

/** The zone's offset from UTC at `instant`, from Intl's wall-clock parts. */
function offsetMs(instant: number, timezone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(new Date(instant))
      .map((part) => [part.type, part.value]),
  );
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

function listOf(value: string | string[] | undefined): string[] | undefined {
  return value === undefined ? undefined : Array.isArray(value) ? value : [value];
}

function isFixed(w: { start?: string | undefined; end?: string | undefined }): boolean {
  return w.start !== undefined && w.end !== undefined;
}

function isRecurring(w: { cron?: string | undefined; durationMinutes?: number | undefined }): boolean {
  return w.cron !== undefined && w.durationMinutes !== undefined;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function isCron(pattern: string): boolean {
  try {
    new Cron(pattern, { mode: "5-part", paused: true });
    return true;
  } catch {
    return false;
  }
}
