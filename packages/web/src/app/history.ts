import uPlot from "uplot";
import type { Api, CheckRow, IncidentInfo } from "../api/index.js";
import {
  RANGES,
  checkTitle,
  formatUptime,
  latencySeries,
  overallUptime,
  splitLabel,
  uptimeSlots,
  type RangeId,
  type UptimeSlot,
} from "../view/index.js";
import { uptimeBars } from "./bars.js";
import { h, replaceChildren } from "./dom.js";
import { renderIncidentList } from "./incidents.js";

const SERIES_STYLE = [
  { label: "p50", stroke: "#1d4ed8", width: 2 },
  { label: "p95", stroke: "#b45309", width: 2 },
  { label: "p99", stroke: "#b91c1c", width: 2, dash: [6, 4] },
];

/** Axis ticks keep their precision: "0", "0.5 ms", "120 ms", "1.5 s". */
function axisLatency(ms: number): string {
  if (ms === 0) return "0";
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

function uptimeRow(region: string, slots: UptimeSlot[], rangeLabel: string, bucket: string): HTMLElement {
  return h(
    "div",
    { class: "uptime-row", "data-region": region },
    h("span", { class: "uptime-region" }, region),
    uptimeBars(region, slots, rangeLabel, bucket),
    h("span", { class: "uptime-value" }, formatUptime(overallUptime(slots))),
  );
}

/**
 * The history dialog of one check: uptime bars per region from the rollups, a
 * p50/p95/p99 latency chart for one region, and the check's incidents.
 */
export class HistoryDialog {
  private chart: uPlot | undefined;
  private resize: ResizeObserver | undefined;
  private range: RangeId = "24h";
  private latencyRegion = "";
  private check: CheckRow | undefined;
  private load = 0;

  constructor(
    private readonly dialog: HTMLDialogElement,
    private readonly api: Api,
    private readonly onClosed: () => void,
  ) {
    dialog.addEventListener("close", () => {
      this.destroyChart();
      this.check = undefined;
      this.onClosed();
    });
  }

  /** Opens (or re-targets) the dialog for `check`; `regions` are the matrix columns. */
  open(check: CheckRow, regions: string[]): void {
    this.check = check;
    this.latencyRegion = regions.find((r) => check.regions[r]?.durationMs !== undefined) ?? regions[0] ?? "";
    const { context, name } = splitLabel(checkTitle(check));
    const title = h("h2", { id: "history-title" }, name);
    const rangePicker = h(
      "fieldset",
      { class: "segmented" },
      h("legend", { class: "visually-hidden" }, "Time range"),
      RANGES.map((range) =>
        h(
          "label",
          {},
          h("input", {
            type: "radio",
            name: "history-range",
            value: range.id,
            checked: range.id === this.range,
            onchange: () => {
              this.range = range.id;
              void this.refresh(regions);
            },
          }),
          h("span", {}, range.label),
        ),
      ),
    );
    const regionPicker = h(
      "label",
      { class: "inline-field" },
      "Latency for ",
      h(
        "select",
        {
          id: "history-latency-region",
          onchange: (event: Event) => {
            this.latencyRegion = (event.target as HTMLSelectElement).value;
            void this.refresh(regions);
          },
        },
        regions.map((r) => h("option", { value: r, selected: r === this.latencyRegion }, r)),
      ),
    );
    replaceChildren(
      this.dialog,
      h(
        "header",
        { class: "dialog-head" },
        h("div", {}, context ? h("p", { class: "eyebrow" }, context) : null, title, h("code", { class: "dialog-target" }, check.target)),
        h("button", { type: "button", class: "icon-button", "aria-label": "Close history", onclick: () => this.dialog.close() }, "✕"),
      ),
      h("div", { class: "dialog-tools" }, rangePicker, regionPicker),
      h("section", { "aria-labelledby": "uptime-title" }, h("h3", { id: "uptime-title" }, "Uptime by region"), h("div", { id: "history-uptime", class: "uptime" })),
      h(
        "section",
        { "aria-labelledby": "latency-title" },
        h("h3", { id: "latency-title" }, "Latency"),
        h("div", { id: "history-chart", class: "chart" }),
      ),
      h("section", { "aria-labelledby": "incidents-title" }, h("h3", { id: "incidents-title" }, "Incidents"), h("div", { id: "history-incidents" })),
      h("p", { id: "history-status", class: "muted", role: "status" }),
    );
    if (!this.dialog.open) this.dialog.showModal();
    void this.refresh(regions);
  }

  private async refresh(regions: string[]): Promise<void> {
    const check = this.check;
    if (!check) return;
    const load = ++this.load;
    const range = RANGES.find((r) => r.id === this.range)!;
    const toMs = Date.now();
    const fromMs = toMs - range.ms;
    const from = new Date(fromMs).toISOString();
    const to = new Date(toMs).toISOString();
    const status = this.dialog.querySelector<HTMLElement>("#history-status")!;
    status.textContent = "Loading history…";
    try {
      const [history, incidents] = await Promise.all([
        this.api.history(check.checkId, { from, to, bucket: range.bucket }),
        this.api.incidents({ from, to }),
      ]);
      if (load !== this.load || !this.dialog.open) return;
      const grid = { fromMs, toMs, bucket: range.bucket };
      replaceChildren(
        this.dialog.querySelector("#history-uptime")!,
        regions.map((region) => uptimeRow(region, uptimeSlots(history.series, region, grid), range.label, range.bucket)),
      );
      this.drawChart(latencySeries(history.series, this.latencyRegion, grid), grid);
      const mine: IncidentInfo[] = incidents.filter((i) => i.checkId === check.checkId);
      replaceChildren(this.dialog.querySelector("#history-incidents")!, renderIncidentList(mine, Date.now()));
      status.textContent = `${range.label} of history in ${range.bucket === "1h" ? "hourly" : "daily"} rollups.`;
    } catch (err) {
      if (load === this.load) status.textContent = `Could not load history: ${(err as Error).message}`;
    }
  }

  private drawChart(data: ReturnType<typeof latencySeries>, grid: { fromMs: number; toMs: number }): void {
    this.destroyChart();
    const target = this.dialog.querySelector<HTMLElement>("#history-chart")!;
    target.textContent = "";
    const hasData = data.slice(1).some((values) => values.some((v) => v !== null));
    // The dialog's own width: on a phone the chart must not push the dialog off the screen.
    const width = Math.max(200, target.clientWidth);
    this.chart = new uPlot(
      {
        width,
        height: 220,
        // The whole range, not just the buckets with data: a lone point then sits where it belongs.
        scales: { x: { time: true, range: () => [grid.fromMs / 1000, grid.toMs / 1000] }, y: { range: (_u, _min, max) => [0, hasData && max !== null ? Math.max(max * 1.15, 1) : 100] } },
        series: [{}, ...SERIES_STYLE.map((s) => ({ ...s, points: { show: true, size: 5 } }))],
        axes: [
          { stroke: "#334155", grid: { stroke: "#e2e8f0" } },
          { stroke: "#334155", grid: { stroke: "#e2e8f0" }, size: 64, values: (_u, values) => values.map(axisLatency) },
        ],
      },
      data,
      target,
    );
    this.chart.root.setAttribute("aria-label", `Latency p50, p95 and p99 for ${this.latencyRegion}`);
    this.chart.root.setAttribute("role", "img");
    if (!hasData) target.append(h("p", { class: "muted chart-empty" }, `No latency data from ${this.latencyRegion} in this range yet.`));
    this.resize = new ResizeObserver(() => this.chart?.setSize({ width: Math.max(200, target.clientWidth), height: 220 }));
    this.resize.observe(target);
  }

  private destroyChart(): void {
    this.resize?.disconnect();
    this.resize = undefined;
    this.chart?.destroy();
    this.chart = undefined;
  }
}
