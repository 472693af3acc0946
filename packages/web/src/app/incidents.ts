import type { IncidentInfo } from "../api/index.js";
import { formatDuration, outcomeText, productName, verdictPresentation } from "../view/index.js";
import { formatTime, h, icon } from "./dom.js";

/** How the page-wide timeline names a check, finds its product and opens its history. */
export interface IncidentChecks {
  title: (checkId: string) => string;
  product: (checkId: string) => string;
  open: (checkId: string) => void;
}

function outcomesText(incident: IncidentInfo): string {
  return Object.entries(incident.outcomes)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([outcome, count]) => `${outcomeText(outcome, { daysLeft: incident.daysLeft })} ×${count}`)
    .join(", ");
}

function incidentItem(incident: IncidentInfo, now: number, checks: IncidentChecks | undefined): HTMLLIElement {
  const look = verdictPresentation(incident.verdict);
  const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
  return h(
    "li",
    { class: `incident tone-edge-${look.tone}`, "data-incident-id": incident.id, "data-verdict": incident.verdict, "data-open": String(!incident.resolvedAt) },
    h(
      "p",
      { class: "incident-when" },
      h("span", { class: `badge tone-${look.tone}` }, icon(look.icon), look.text),
      " ",
      h("time", { datetime: incident.openedAt, class: "incident-start" }, formatTime(incident.openedAt)),
      " → ",
      incident.resolvedAt
        ? h("time", { datetime: incident.resolvedAt, class: "incident-end" }, formatTime(incident.resolvedAt))
        : h("span", { class: "badge tone-fail incident-end" }, icon("●"), "ongoing"),
      h("span", { class: "muted" }, ` · ${formatDuration(end - Date.parse(incident.openedAt))}`),
      incident.maintenance?.length
        ? h("span", { class: "badge tone-none maintenance", "data-maintenance": incident.maintenance.join(", ") }, icon("🛠"), `opened in maintenance: ${incident.maintenance.join(", ")}`)
        : null,
    ),
    checks
      ? h(
          "p",
          { class: "incident-check" },
          h("button", { type: "button", class: "link-button", "aria-haspopup": "dialog", "data-check-id": incident.checkId, onclick: () => checks.open(incident.checkId) }, checks.title(incident.checkId)),
        )
      : null,
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, "Regions"), h("dd", { class: "incident-regions" }, incident.regions.join(", ") || "—")),
      h("div", {}, h("dt", {}, "Outcomes"), h("dd", { class: "incident-outcomes" }, outcomesText(incident) || "—")),
    ),
  );
}

/** Incidents newest first as a vertical timeline: verdict, start → end (or ongoing), length, regions and outcomes. */
export function renderIncidentList(incidents: readonly IncidentInfo[], now: number, checks?: IncidentChecks): HTMLElement {
  if (incidents.length === 0) return h("p", { class: "muted empty-incidents" }, "No incidents in this range.");
  const sorted = [...incidents].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  return h("ol", { class: "timeline" }, sorted.map((incident) => incidentItem(incident, now, checks)));
}

/** Where each incident lies on the window, as marks on one line: when trouble happened, at a glance. */
function track(incidents: readonly IncidentInfo[], window: { fromMs: number; toMs: number }, now: number, label: string): HTMLElement {
  const span = window.toMs - window.fromMs;
  const marks = incidents.map((incident) => {
    const start = Math.max(Date.parse(incident.openedAt), window.fromMs);
    const end = Math.min(incident.resolvedAt ? Date.parse(incident.resolvedAt) : now, window.toMs);
    const left = ((start - window.fromMs) / span) * 100;
    const width = Math.max(((end - start) / span) * 100, 0.4);
    const look = verdictPresentation(incident.verdict);
    return h("span", { class: `mark bar tone-${look.tone}`, style: `left:${left.toFixed(2)}%;width:${Math.min(width, 100 - left).toFixed(2)}%` });
  });
  return h(
    "div",
    { class: "track", role: "img", "aria-label": `${label}: ${incidents.length} incident${incidents.length === 1 ? "" : "s"} in the last 7 days` },
    marks,
    h("span", { class: "track-from", "aria-hidden": "true" }, "7 d ago"),
    h("span", { class: "track-to", "aria-hidden": "true" }, "now"),
  );
}

/**
 * The page's incidents as one timeline per product (products with incidents first, most recent
 * first): a line showing where in the window each incident lay, then the incidents themselves.
 */
export function renderIncidentTimeline(
  incidents: readonly IncidentInfo[],
  now: number,
  window: { fromMs: number; toMs: number },
  checks: IncidentChecks,
): HTMLElement {
  if (incidents.length === 0) return h("p", { class: "muted empty-incidents" }, "No incidents in the last 7 days.");
  const byProduct = new Map<string, IncidentInfo[]>();
  for (const incident of incidents) {
    const product = checks.product(incident.checkId);
    byProduct.set(product, [...(byProduct.get(product) ?? []), incident]);
  }
  const latestOf = (list: IncidentInfo[]) => list.reduce((max, i) => (i.openedAt > max ? i.openedAt : max), "");
  const products = [...byProduct].sort((a, b) => latestOf(b[1]).localeCompare(latestOf(a[1])));
  return h(
    "div",
    { class: "incident-products" },
    products.map(([product, list]) => {
      const name = productName(product);
      const open = list.filter((i) => !i.resolvedAt).length;
      return h(
        "section",
        { class: "incident-product", "data-product": product, "aria-label": `${name} incidents` },
        h("h3", {}, name, h("span", { class: "muted count" }, ` · ${list.length} incident${list.length === 1 ? "" : "s"}${open ? `, ${open} ongoing` : ""}`)),
        track(list, window, now, name),
        renderIncidentList(list, now, checks),
      );
    }),
  );
}
