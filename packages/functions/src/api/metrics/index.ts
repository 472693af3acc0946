import type { LatestEntry } from "@probemesh/core/store";
import { countVerdicts, readVerdicts, regionViews, type ReadVerdict, type RegionView } from "@probemesh/core/verdict";
import { Hono, type MiddlewareHandler } from "hono";
import { shownRegions, type AppDeps } from "../deps.js";
import type { RouteDoc } from "../validate.js";

/** Latency histogram bounds in seconds (probe latencies: loopback ms up to multi-second timeouts). */
const LATENCY_BOUNDS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Requests served by this API process, by method and status (a counter, reset on restart). */
export class RequestCounter {
  private readonly counts = new Map<string, number>();

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      const key = `${c.req.method} ${c.res.status}`;
      this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    };
  }

  entries(): Array<{ method: string; status: string; count: number }> {
    return [...this.counts].map(([key, count]) => {
      const [method = "", status = ""] = key.split(" ");
      return { method, status, count };
    });
  }
}

export function metricsRoutes(deps: AppDeps, requests: RequestCounter): Hono {
  return new Hono().get("/metrics", async (c) => {
    const now = deps.now?.() ?? new Date();
    const [latest, heartbeats, model] = await Promise.all([deps.store.latest(), deps.store.heartbeats(), deps.store.verdicts()]);
    const reading = readVerdicts(model, shownRegions(deps), now, deps.staleAfterMs);
    const verdicts = Object.keys(model?.checks ?? {}).map((checkId) => reading.verdictOf(checkId));
    const text = renderMetrics(latest, verdicts, regionViews(shownRegions(deps), heartbeats, now, deps.staleAfterMs), requests);
    return c.body(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  });
}

/** Prometheus text exposition of the latest picture: per-region check counts, failures, latency. */
export function renderMetrics(latest: LatestEntry[], verdicts: ReadVerdict[], regions: RegionView[], requests: RequestCounter): string {
  const out: string[] = [];
  const family = (name: string, type: string, help: string) => out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);

  family("probemesh_checks", "gauge", "Checks by probe region and status of their latest result.");
  for (const [labels, count] of countBy(latest, (e) => ({ region: e.region, status: e.result.status }))) {
    out.push(`probemesh_checks${labels} ${count}`);
  }
  family("probemesh_check_failures", "gauge", "Checks whose latest result did not pass, by probe region and outcome.");
  const failing = latest.filter((e) => e.result.status !== "pass");
  for (const [labels, count] of countBy(failing, (e) => ({ region: e.region, outcome: e.result.outcome }))) {
    out.push(`probemesh_check_failures${labels} ${count}`);
  }
  family("probemesh_check_up", "gauge", "1 when the check is up in the region after thresholds, 0 when down (unknown or stale: absent).");
  for (const { checkId, regions: states } of verdicts) {
    for (const [region, state] of Object.entries(states)) {
      if (state === "up" || state === "down") out.push(`probemesh_check_up${labelText({ check_id: checkId, region })} ${state === "up" ? 1 : 0}`);
    }
  }
  family("probemesh_check_verdicts", "gauge", "Checks by cross-region verdict (the stored verdict model).");
  for (const [verdict, count] of Object.entries(countVerdicts(verdicts))) out.push(`probemesh_check_verdicts${labelText({ verdict })} ${count}`);
  family("probemesh_probe_duration_seconds", "histogram", "Duration of the latest probe of every check, per probe region.");
  const byRegion = new Map<string, number[]>();
  for (const entry of latest) byRegion.set(entry.region, [...(byRegion.get(entry.region) ?? []), entry.result.durationMs / 1000]);
  for (const [region, durations] of [...byRegion].sort(([a], [b]) => a.localeCompare(b))) {
    for (const bound of LATENCY_BOUNDS_S) {
      const below = durations.filter((d) => d <= bound).length;
      out.push(`probemesh_probe_duration_seconds_bucket${labelText({ region, le: String(bound) })} ${below}`);
    }
    out.push(`probemesh_probe_duration_seconds_bucket${labelText({ region, le: "+Inf" })} ${durations.length}`);
    out.push(`probemesh_probe_duration_seconds_sum${labelText({ region })} ${round(durations.reduce((a, b) => a + b, 0))}`);
    out.push(`probemesh_probe_duration_seconds_count${labelText({ region })} ${durations.length}`);
  }
  family("probemesh_region_up", "gauge", "1 when the region answered its latest round and it is fresh.");
  for (const view of regions) out.push(`probemesh_region_up${labelText({ region: view.region })} ${view.ok && !view.stale ? 1 : 0}`);
  family("probemesh_region_last_round_timestamp_seconds", "gauge", "Unix time of the region's latest round.");
  for (const view of regions) {
    if (view.lastRoundAt) out.push(`probemesh_region_last_round_timestamp_seconds${labelText({ region: view.region })} ${Date.parse(view.lastRoundAt) / 1000}`);
  }
  family("probemesh_api_requests_total", "counter", "HTTP requests served by this API process.");
  for (const { method, status, count } of requests.entries()) {
    out.push(`probemesh_api_requests_total${labelText({ method, status })} ${count}`);
  }
  return `${out.join("\n")}\n`;
}

function countBy<T>(items: T[], labelsOf: (item: T) => Record<string, string>): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const labels = labelText(labelsOf(item));
    counts.set(labels, (counts.get(labels) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

function labelText(labels: Record<string, string>): string {
  const escaped = Object.entries(labels).map(([key, value]) => `${key}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return `{${escaped.join(",")}}`;
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

export const metricsDocs: RouteDoc[] = [
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus text: check counts, failures and latency histograms per probe region, region health",
    produces: "text/plain; version=0.0.4",
    responses: { 200: "Prometheus text exposition format 0.0.4" },
  },
];
