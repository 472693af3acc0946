import type { IncidentInfo } from "../api/types.js";
import { formatDuration, outcomeText, verdictPresentation } from "../view/index.js";
import { formatTime, h, icon } from "./dom.js";

/** How the page-wide incidents table names a check and opens its history. */
export interface IncidentCheckColumn {
  title: (checkId: string) => string;
  open: (checkId: string) => void;
}

/**
 * Incidents newest first: start, end (or "ongoing"), length, worst verdict,
 * regions affected and outcomes seen. With `checks`, a first column names the check.
 */
export function renderIncidents(incidents: readonly IncidentInfo[], now: number, checks: IncidentCheckColumn | undefined): HTMLElement {
  if (incidents.length === 0) return h("p", { class: "muted empty-incidents" }, "No incidents in this range.");
  const sorted = [...incidents].sort((a, b) => b.openedAt.localeCompare(a.openedAt));
  return h(
    "table",
    { class: "incidents" },
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        checks ? h("th", { scope: "col" }, "Check") : null,
        ["Started", "Ended", "Duration", "Verdict", "Regions affected", "Outcomes"].map((title) => h("th", { scope: "col" }, title)),
      ),
    ),
    h(
      "tbody",
      {},
      sorted.map((incident) => {
        const look = verdictPresentation(incident.verdict);
        const end = incident.resolvedAt ? Date.parse(incident.resolvedAt) : now;
        const outcomes = Object.entries(incident.outcomes)
          .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
          .map(([outcome, count]) => `${outcomeText(outcome, { daysLeft: incident.daysLeft })} ×${count}`)
          .join(", ");
        return h(
          "tr",
          { "data-incident-id": incident.id },
          checks
            ? h(
                "td",
                {},
                h("button", { type: "button", class: "link-button", "aria-haspopup": "dialog", onclick: () => checks.open(incident.checkId) }, checks.title(incident.checkId)),
              )
            : null,
          h("td", {}, h("time", { datetime: incident.openedAt }, formatTime(incident.openedAt))),
          h(
            "td",
            {},
            incident.resolvedAt
              ? h("time", { datetime: incident.resolvedAt }, formatTime(incident.resolvedAt))
              : h("span", { class: "badge tone-fail" }, icon("●"), "ongoing"),
          ),
          h("td", {}, formatDuration(end - Date.parse(incident.openedAt))),
          h(
            "td",
            {},
            h("span", { class: `badge tone-${look.tone}` }, icon(look.icon), look.text),
            incident.maintenance?.length
              ? h("span", { class: "badge tone-none maintenance", "data-maintenance": incident.maintenance.join(", ") }, icon("🛠"), `opened in maintenance: ${incident.maintenance.join(", ")}`)
              : null,
          ),
          h("td", {}, incident.regions.join(", ") || "—"),
          h("td", {}, outcomes || "—"),
        );
      }),
    ),
  );
}
