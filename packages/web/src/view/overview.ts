import type { OverviewHour, OverviewResponse } from "../api/index.js";
import { uptimeTone, type UptimeSlot } from "./index.js";

/** One check × region of the overview as uptime slots, one per hour of the overview's grid. */
export function overviewSlots(hours: readonly string[], cells: readonly OverviewHour[] | undefined): UptimeSlot[] {
  return hours.map((hour, i) => {
    const [pass, fail, inconclusive] = cells?.[i] ?? [0, 0, 0];
    const counts = { pass, fail, inconclusive };
    const decided = pass + fail;
    return { start: Date.parse(hour), counts, uptime: decided === 0 ? null : pass / decided, tone: uptimeTone(counts) };
  });
}

/** checkId → region → slots, for the rows of the first screen. */
export function overviewIndex(overview: OverviewResponse | undefined): Map<string, Map<string, UptimeSlot[]>> {
  const index = new Map<string, Map<string, UptimeSlot[]>>();
  if (!overview) return index;
  for (const check of overview.checks) {
    index.set(check.checkId, new Map(Object.entries(check.regions).map(([region, cells]) => [region, overviewSlots(overview.hours, cells)])));
  }
  return index;
}
