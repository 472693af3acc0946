import { formatUptime, overallUptime, type UptimeSlot } from "../view/index.js";
import { h } from "./dom.js";

function slotTitle(region: string, slot: UptimeSlot, bucket: string): string {
  const when = new Date(slot.start).toLocaleString(undefined, bucket === "1d" ? { dateStyle: "medium" } : { dateStyle: "medium", timeStyle: "short" });
  const { pass, fail, inconclusive } = slot.counts;
  if (pass + fail + inconclusive === 0) return `${region} · ${when}: no data`;
  return `${region} · ${when}: ${formatUptime(slot.uptime)} up (${pass} pass, ${fail} fail, ${inconclusive} inconclusive)`;
}

/**
 * History bars of one region, one bar per bucket coloured by what ran in it (the hover title says
 * the counts), as one image for screen readers whose name says the uptime over the range.
 */
export function uptimeBars(region: string, slots: readonly UptimeSlot[], rangeLabel: string, bucket: string, options: { hourTitles?: boolean } = {}): HTMLElement {
  const uptime = formatUptime(overallUptime(slots));
  const bars = h("div", { class: `uptime-bars${slots.length > 60 ? " dense" : ""}`, role: "img", "aria-label": `${region}: ${uptime} uptime over ${rangeLabel}` });
  for (const slot of slots) {
    const bar = document.createElement("span");
    bar.className = `bar tone-${slot.tone}`;
    // Formatting a date per bar is most of a repaint's cost; the first screen's rows leave it to the dialog.
    if (options.hourTitles !== false) bar.title = slotTitle(region, slot, bucket);
    bars.appendChild(bar);
  }
  return bars;
}
