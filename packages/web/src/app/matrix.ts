import type { CheckRow, MaintenanceWindowView, OverviewResponse, RegionCell, RegionInfo, StatusResponse, Verdict } from "../api/index.js";
import { detailFields } from "../view/detail.js";
import { healthOf, healthPresentation, worstHealth, type Health } from "../view/health.js";
import {
  formatAge,
  formatLatency,
  formatUptime,
  groupChecks,
  maintenanceText,
  outcomeText,
  overallUptime,
  productName,
  regionColumns,
  rowTitle,
  stateNote,
  statusPresentation,
  checkTitle,
  verdictPresentation,
  type ProductGroup,
  type UptimeSlot,
} from "../view/index.js";
import { overviewIndex } from "../view/overview.js";
import { uptimeBars } from "./bars.js";
import { h, icon, type Child } from "./dom.js";

/** Everything the first screen shows, fetched together so one refresh paints one consistent picture. */
export interface MatrixData {
  regions: RegionInfo[];
  checks: CheckRow[];
  status: StatusResponse;
  /** The last 24 h of every check (absent while it loads or when the API has no such route). */
  overview?: OverviewResponse;
}

function describeCell(region: string, cell: RegionCell | undefined, now: number): string {
  if (!cell) return `${region}: no data yet`;
  const parts = [
    `${region}: ${statusPresentation(cell.status).text}`,
    `outcome ${outcomeText(cell.outcome, cell.detail)}`,
    formatLatency(cell.durationMs),
    `checked ${formatAge(cell.at, now)}`,
    `state ${cell.state} since ${formatAge(cell.since, now).replace(" ago", "")}`,
    ...detailFields(cell.detail).map((field) => `${field.label}: ${field.value}`),
  ];
  return parts.join(" · ");
}

function regionCell(region: string, cell: RegionCell | undefined, slots: UptimeSlot[] | undefined, now: number): HTMLLIElement {
  const look = statusPresentation(cell?.status);
  const note = stateNote(cell, now);
  return h(
    "li",
    { class: `cell tone-edge-${look.tone}`, "data-state": cell?.state ?? "unknown", "data-region": region, "data-status": cell?.status ?? "none", title: describeCell(region, cell, now) },
    h("span", { class: "cell-region" }, region),
    h(
      "span",
      { class: `cell-status text-${look.tone}` },
      icon(look.icon),
      look.text,
      cell && cell.outcome !== "ok" ? h("span", { class: "cell-outcome" }, ` · ${outcomeText(cell.outcome, cell.detail)}`) : null,
    ),
    slots ? uptimeBars(region, slots, "24 h", "1h", { hourTitles: false }) : h("span", { class: "uptime-bars pending", "aria-hidden": "true" }),
    h("span", { class: "uptime-value", title: "uptime over 24 h" }, slots ? formatUptime(overallUptime(slots)) : ""),
    cell ? h("span", { class: "cell-meta" }, `${formatLatency(cell.durationMs)} · ${formatAge(cell.at, now)}`) : h("span", { class: "cell-meta" }, "no result yet"),
    note ? h("span", { class: "cell-state" }, note) : null,
  );
}

function verdictBadge(verdict: Verdict | undefined): HTMLElement {
  const look = verdictPresentation(verdict);
  return h("span", { class: `badge verdict tone-${look.tone}`, "data-verdict": verdict ?? "unknown" }, icon(look.icon), look.text);
}

function healthBadge(health: Health, extra = ""): HTMLElement {
  const look = healthPresentation(health);
  return h("span", { class: `badge health tone-${look.tone}`, "data-health": health }, icon(look.icon), look.text + extra);
}

/** Health of each product of `groups`, from the verdicts. */
export function productHealths(groups: readonly ProductGroup[], verdicts: ReadonlyMap<string, Verdict>): Map<string, Health> {
  return new Map(
    groups.map((group) => [group.product, healthOf(group.components.flatMap((c) => c.checks.map((check) => verdicts.get(check.checkId) ?? "unknown")))]),
  );
}

/** The banner at the top: everything's health in words, then each product's. */
export function renderBanner(data: MatrixData): HTMLElement {
  const verdicts = new Map(data.status.checks.map((c) => [c.checkId, c.verdict]));
  const healths = productHealths(groupChecks(data.checks), verdicts);
  const overall = worstHealth(healths.values());
  const look = healthPresentation(overall);
  const headline =
    overall === "reachable"
      ? "Every product is reachable from every probe region."
      : overall === "outage"
        ? "Some requirements cannot be reached from most probe regions."
        : overall === "partial"
          ? "Some requirements fail from some probe regions."
          : "No round has been judged yet.";
  return h(
    "section",
    { class: `overall tone-edge-${look.tone}`, "data-health": overall, "aria-labelledby": "overall-title" },
    h("h2", { id: "overall-title" }, icon(look.icon), " ", look.text),
    h("p", { class: "overall-line" }, headline),
    h(
      "ul",
      { class: "products", "aria-label": "Health per product" },
      [...healths].map(([product, health]) =>
        h("li", { "data-product": product, "data-health": health }, h("a", { href: `#product-${product}` }, productName(product)), " ", healthBadge(health)),
      ),
    ),
  );
}

/** One badge of a region in the strip. */
export interface RegionBadge {
  tone: "tone-none" | "tone-inconclusive" | "tone-fail";
  icon: string;
  text: string;
  /** `badge-<name>` class (tests and styles find it by that). */
  name?: "stale" | "agent" | "dropped";
}

/**
 * What the strip says of a region: not reporting or stale, a failed last round, and for an agent location its
 * waiting batches and, in the fail tone, the batches it dropped (a full buffer: results that will never arrive).
 */
export function regionBadges(region: RegionInfo | undefined): RegionBadge[] {
  const badges: RegionBadge[] = [];
  if (!region) badges.push({ tone: "tone-none", icon: "?", text: "not reporting" });
  else if (region.stale) badges.push({ tone: "tone-inconclusive", icon: "⚠", text: "stale", name: "stale" });
  if (region?.lastRoundAt && !region.ok) badges.push({ tone: "tone-fail", icon: "✕", text: "last round failed" });
  if (region?.agent) badges.push({ tone: "tone-none", icon: "⌂", text: region.buffered ? `agent, ${region.buffered} batches waiting` : "agent", name: "agent" });
  if (region?.agent && region.dropped) badges.push({ tone: "tone-fail", icon: "✕", text: `${region.dropped} ${region.dropped === 1 ? "batch" : "batches"} lost (buffer full)`, name: "dropped" });
  return badges;
}

/** The probe regions: last round, staleness, failures. */
export function renderRegions(regions: readonly RegionInfo[], columns: readonly string[], now: number): HTMLElement {
  const info = new Map(regions.map((r) => [r.region, r]));
  return h(
    "ul",
    { class: "regions-strip", "aria-label": "Probe regions" },
    columns.map((name) => {
      const region = info.get(name);
      const badges: Child[] = regionBadges(region).map((badge) => h("span", { class: `badge ${badge.tone}${badge.name ? ` badge-${badge.name}` : ""}` }, icon(badge.icon), badge.text));
      return h(
        "li",
        { class: "region", "data-region": name, "data-agent": region?.agent ? "true" : "false", "data-stale": region?.stale ? "true" : "false", title: region?.error },
        h("span", { class: "region-name" }, name),
        h("span", { class: "region-meta" }, region?.lastRoundAt ? `round ${formatAge(region.lastRoundAt, now)}` : "no round yet"),
        badges,
      );
    }),
  );
}

function maintenanceBadges(windows: readonly MaintenanceWindowView[] = []): HTMLElement[] {
  return windows.map((window) => h("span", { class: "badge tone-none maintenance", "data-maintenance": window.name, title: maintenanceText(window) }, icon("🛠"), "maintenance"));
}

function checkRow(check: CheckRow, verdict: Verdict | undefined, maintenance: readonly MaintenanceWindowView[] | undefined, columns: readonly string[], slots: Map<string, UptimeSlot[]> | undefined, now: number, onOpen: (check: CheckRow) => void): HTMLLIElement {
  return h(
    "li",
    { class: "check-row", "data-check-id": check.checkId },
    h(
      "div",
      { class: "check-main" },
      h(
        "button",
        { type: "button", class: "check-open", "data-check-id": check.checkId, "aria-haspopup": "dialog", title: checkTitle(check), onclick: () => onOpen(check) },
        rowTitle(check),
      ),
      h("span", { class: "check-meta" }, h("code", {}, check.target), check.level ? h("span", { class: `level level-${check.level}` }, check.level) : null),
    ),
    h("div", { class: "verdict-col" }, verdictBadge(verdict), maintenanceBadges(maintenance)),
    h("ul", { class: "check-regions", "aria-label": `${rowTitle(check)} per region` }, columns.map((region) => regionCell(region, check.regions[region], slots?.get(region), now))),
  );
}

/** What the board needs besides the data: who opens a row, and which products are folded. */
export interface BoardControls {
  onOpen: (check: CheckRow) => void;
  folded: ReadonlySet<string>;
  onFold: (product: string, folded: boolean) => void;
  emptyText?: string;
}

/**
 * The first screen's rows: one foldable section per product, a heading per component, one row per
 * check with its verdict and, per region, the last result and the last 24 h as bars with uptime.
 */
export function renderMatrix(data: MatrixData, now: number, controls: BoardControls): HTMLElement {
  const columns = regionColumns(data.regions, data.checks);
  const verdicts = new Map(data.status.checks.map((c) => [c.checkId, c.verdict]));
  const maintenance = new Map(data.status.checks.map((c) => [c.checkId, c.maintenance ?? []]));
  const history = overviewIndex(data.overview);
  const groups = groupChecks(data.checks);
  const healths = productHealths(groups, verdicts);
  if (data.checks.length === 0) return h("div", { class: "board", id: "matrix" }, h("p", { class: "empty" }, controls.emptyText ?? "No checks have reported yet."));
  return h(
    "div",
    { class: "board", id: "matrix", style: `--regions:${columns.length}` },
    groups.map((group) => {
      const checks = group.components.flatMap((c) => c.checks);
      const problems = checks.filter((c) => (verdicts.get(c.checkId) ?? "unknown") !== "up").length;
      const details = h(
        "details",
        { class: "product", id: `product-${group.product}`, "data-product": group.product, open: !controls.folded.has(group.product) },
        h(
          "summary",
          {},
          h("h3", { class: "product-name" }, productName(group.product)),
          healthBadge(healths.get(group.product) ?? "unknown"),
          h("span", { class: "muted product-count" }, `${checks.length} check${checks.length === 1 ? "" : "s"}${problems ? `, ${problems} not up` : ""}`),
        ),
        group.components.map((component) => [
          h("h4", { class: "component" }, component.title),
          h("ul", { class: "checks" }, component.checks.map((check) => checkRow(check, verdicts.get(check.checkId), maintenance.get(check.checkId), columns, history.get(check.checkId), now, controls.onOpen))),
        ]),
      );
      details.addEventListener("toggle", () => controls.onFold(group.product, !details.open));
      return details;
    }),
  );
}

/** The up / degraded / down / unknown counters. */
export function renderSummary(status: StatusResponse): HTMLElement {
  const order: Verdict[] = ["up", "degraded", "down", "unknown"];
  return h(
    "ul",
    { class: "summary", "aria-label": "Verdicts across all checks" },
    order.map((verdict) => {
      const look = verdictPresentation(verdict);
      return h("li", { class: `badge tone-${look.tone}`, "data-verdict": verdict }, icon(look.icon), h("strong", {}, String(status.summary[verdict] ?? 0)), " ", look.text.toLowerCase());
    }),
    (status.maintenance ?? []).map((window) =>
      h("li", { class: "badge tone-none maintenance", "data-maintenance": window.name }, icon("🛠"), maintenanceText(window), window.checks ? ` · ${window.checks} checks, alerts muted` : " · alerts muted"),
    ),
  );
}
