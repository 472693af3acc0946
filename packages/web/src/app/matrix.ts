import type { CheckRow, MaintenanceWindowView, RegionCell, RegionInfo, StatusResponse, Verdict } from "../api/types.js";
import {
  checkTitle,
  formatAge,
  formatLatency,
  groupChecks,
  maintenanceText,
  outcomeText,
  productName,
  regionColumns,
  rowTitle,
  stateNote,
  statusPresentation,
  verdictPresentation,
} from "../view/index.js";
import { h, icon, type Child } from "./dom.js";

/** Everything the matrix shows, fetched together so one refresh paints one consistent picture. */
export interface MatrixData {
  regions: RegionInfo[];
  checks: CheckRow[];
  status: StatusResponse;
}

function regionHeader(name: string, info: RegionInfo | undefined, now: number): HTMLTableCellElement {
  const badges: Child[] = [];
  if (!info) badges.push(h("span", { class: "badge tone-none" }, icon("?"), "not reporting"));
  else if (info.stale) badges.push(h("span", { class: "badge tone-inconclusive badge-stale" }, icon("⚠"), "stale"));
  if (info && info.lastRoundAt && !info.ok) badges.push(h("span", { class: "badge tone-fail" }, icon("✕"), "last round failed"));
  if (info?.agent) badges.push(h("span", { class: "badge tone-none badge-agent" }, icon("⌂"), info.buffered ? `agent, ${info.buffered} batches waiting` : "agent"));
  return h(
    "th",
    { scope: "col", class: "region-col", "data-region": name, "data-agent": info?.agent ? "true" : "false", "data-stale": info?.stale ? "true" : "false", title: info?.error },
    h("span", { class: "region-name" }, name),
    h("span", { class: "region-meta" }, info?.lastRoundAt ? `round ${formatAge(info.lastRoundAt, now)}` : "no round yet"),
    badges,
  );
}

function describeCell(region: string, cell: RegionCell | undefined, now: number): string {
  if (!cell) return `${region}: no data yet`;
  const parts = [
    `${region}: ${statusPresentation(cell.status).text}`,
    `outcome ${outcomeText(cell.outcome, cell.detail)}`,
    formatLatency(cell.durationMs),
    `checked ${formatAge(cell.at, now)}`,
    `state ${cell.state} since ${formatAge(cell.since, now).replace(" ago", "")}`,
  ];
  if (cell.detail && Object.keys(cell.detail).length > 0) parts.push(JSON.stringify(cell.detail));
  return parts.join(" · ");
}

function regionCell(region: string, cell: RegionCell | undefined, now: number): HTMLTableCellElement {
  const look = statusPresentation(cell?.status);
  const note = stateNote(cell, now);
  return h(
    "td",
    { class: `cell tone-${look.tone}`, "data-state": cell?.state ?? "unknown", "data-region": region, "data-status": cell?.status ?? "none", title: describeCell(region, cell, now) },
    h("span", { class: "cell-status" }, icon(look.icon), look.text),
    cell && cell.outcome !== "ok" ? h("span", { class: "cell-outcome" }, outcomeText(cell.outcome, cell.detail)) : null,
    cell ? h("span", { class: "cell-meta" }, `${formatLatency(cell.durationMs)} · ${formatAge(cell.at, now)}`) : null,
    note ? h("span", { class: "cell-state" }, note) : null,
  );
}

function verdictCell(verdict: Verdict | undefined, maintenance: readonly MaintenanceWindowView[] = []): HTMLTableCellElement {
  const look = verdictPresentation(verdict);
  return h(
    "td",
    { class: "verdict-col" },
    h("span", { class: `badge verdict tone-${look.tone}`, "data-verdict": verdict ?? "unknown" }, icon(look.icon), look.text),
    maintenance.map((window) => h("span", { class: "badge tone-none maintenance", "data-maintenance": window.name, title: maintenanceText(window) }, icon("🛠"), "maintenance")),
  );
}

/**
 * The regions × requirements table: one tbody per product, a sub-header per
 * component, one row per check whose title button opens its history.
 */
export function renderMatrix(
  data: MatrixData,
  now: number,
  onOpen: (check: CheckRow) => void,
  emptyText = "No checks have reported yet.",
): HTMLTableElement {
  const columns = regionColumns(data.regions, data.checks);
  const regionInfo = new Map(data.regions.map((r) => [r.region, r]));
  const verdicts = new Map(data.status.checks.map((c) => [c.checkId, c.verdict]));
  const maintenance = new Map(data.status.checks.map((c) => [c.checkId, c.maintenance ?? []]));
  const span = 2 + columns.length;

  const bodies = groupChecks(data.checks).map((group) =>
    h(
      "tbody",
      { "data-product": group.product },
      h("tr", { class: "product-row" }, h("th", { scope: "colgroup", colspan: span }, productName(group.product))),
      group.components.map((component) => [
        h("tr", { class: "component-row" }, h("th", { scope: "colgroup", colspan: span }, component.title)),
        component.checks.map((check) =>
          h(
            "tr",
            { class: "check-row", "data-check-id": check.checkId },
            h(
              "th",
              { scope: "row", class: "check-col" },
              h(
                "button",
                {
                  type: "button",
                  class: "check-open",
                  "data-check-id": check.checkId,
                  "aria-haspopup": "dialog",
                  title: checkTitle(check),
                  onclick: () => onOpen(check),
                },
                rowTitle(check),
              ),
              h(
                "span",
                { class: "check-meta" },
                h("code", {}, check.target),
                check.level ? h("span", { class: `level level-${check.level}` }, check.level) : null,
              ),
            ),
            verdictCell(verdicts.get(check.checkId), maintenance.get(check.checkId)),
            columns.map((region) => regionCell(region, check.regions[region], now)),
          ),
        ),
      ]),
    ),
  );

  return h(
    "table",
    { class: "matrix", id: "matrix" },
    h("caption", { class: "visually-hidden" }, "Reachability of each requirement from each probe region"),
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        h("th", { scope: "col", class: "check-col" }, "Requirement"),
        h("th", { scope: "col", class: "verdict-col" }, "Verdict"),
        columns.map((region) => regionHeader(region, regionInfo.get(region), now)),
      ),
    ),
    data.checks.length === 0
      ? h("tbody", {}, h("tr", {}, h("td", { colspan: span, class: "empty" }, emptyText)))
      : bodies,
  );
}

/** The up / degraded / down / unknown counters above the matrix. */
export function renderSummary(status: StatusResponse): HTMLElement {
  const order: Verdict[] = ["up", "degraded", "down", "unknown"];
  return h(
    "ul",
    { class: "summary", "aria-label": "Verdicts across all checks" },
    order.map((verdict) => {
      const look = verdictPresentation(verdict);
      return h(
        "li",
        { class: `badge tone-${look.tone}`, "data-verdict": verdict },
        icon(look.icon),
        h("strong", {}, String(status.summary[verdict] ?? 0)),
        " ",
        look.text.toLowerCase(),
      );
    }),
    (status.maintenance ?? []).map((window) =>
      h("li", { class: "badge tone-none maintenance", "data-maintenance": window.name }, icon("🛠"), maintenanceText(window), window.checks ? ` · ${window.checks} checks, alerts muted` : " · alerts muted"),
    ),
  );
}
