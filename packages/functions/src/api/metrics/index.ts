import type { Check } from "@probemesh/core/check";
import { DURATION_BOUNDS_S, probeRows, type LatestEntry, type RegionCounters } from "@probemesh/core/store";
import { countVerdicts, readVerdicts, regionViews, type ReadVerdict, type RegionView } from "@probemesh/core/verdict";
import { Hono, type MiddlewareHandler } from "hono";
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { shownRegions, type AppDeps } from "../deps.js";
import * as v from "valibot";
import { documented } from "../openapi/index.js";
import { RoundCache } from "../round-cache.js";

/**
 * Requests served by this API process, by method and status: a prom-client counter in the
 * process's own registry (it resets when the process restarts, as process counters do).
 */
export class RequestCounter {
  readonly registry = new Registry();
  private readonly counter = new Counter({
    name: "probemesh_api_requests_total",
    help: "HTTP requests served by this API process.",
    labelNames: ["method", "status"] as const,
    registers: [this.registry],
  });

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      await next();
      this.counter.inc({ method: c.req.method, status: String(c.res.status) });
    };
  }
}

/**
 * The region state (every check × region's latest result and the counters) is the one large read
 * of a scrape: every state item whole, since the latest results sit in one DEFLATE'd attribute
 * that no ProjectionExpression can reach into, and read units are billed on the whole item anyway.
 * Results are written and judged in rounds, so the state and the verdict model are read once per
 * evaluated round (one small GetItem tells) and shared by the scrapes of that round; heartbeats
 * and the plan are read every scrape.
 */
export function metricsRoutes(deps: AppDeps, requests: RequestCounter): Hono {
  const cache = new RoundCache<[Awaited<ReturnType<AppDeps["store"]["snapshot"]>>, Awaited<ReturnType<AppDeps["store"]["verdicts"]>>]>();
  const roundReads = async () => {
    const evaluatedAt = await deps.store.evaluatedAt();
    return cache.get("state", evaluatedAt ?? "none", () => Promise.all([deps.store.snapshot(), deps.store.verdicts()]));
  };
  return new Hono().get("/metrics", METRICS_DOC, async (c) => {
    const now = deps.now?.() ?? new Date();
    const [[snapshot, model], heartbeats, checks] = await Promise.all([roundReads(), deps.store.heartbeats(), deps.checks()]);
    const reading = readVerdicts(model, shownRegions(deps), now, deps.staleAfterMs);
    const verdicts = Object.keys(model?.checks ?? {}).map((checkId) => reading.verdictOf(checkId));
    const picture: StoredPicture = {
      ...snapshot,
      checks,
      verdicts,
      regions: regionViews(shownRegions(deps), heartbeats, now, deps.staleAfterMs),
    };
    const text = await Registry.merge([storedMetrics(picture), requests.registry]).metrics();
    return c.body(text, 200, { "content-type": Registry.PROMETHEUS_CONTENT_TYPE });
  });
}

/** What /metrics reads from the store on each scrape. */
export interface StoredPicture {
  latest: LatestEntry[];
  /** Cumulative per-region counters the store keeps as results are written. */
  counters: RegionCounters[];
  checks: Check[];
  verdicts: ReadVerdict[];
  regions: RegionView[];
}

/**
 * A registry of everything the store knows, built per scrape: the API runs as many short-lived
 * processes (Lambda), so the counters live in the store and this only exposes them.
 */
export function storedMetrics(picture: StoredPicture): Registry {
  const registry = new Registry();
  const gauge = (name: string, help: string, labelNames: string[]) => new Gauge({ name, help, labelNames, registers: [registry] });

  const probes = new Counter({ name: "probemesh_probes_total", help: "Probe results stored, by probe region, kind and outcome.", labelNames: ["region", "kind", "outcome"], registers: [registry] });
  for (const counters of picture.counters) {
    for (const { kind, outcome, count } of probeRows(counters)) probes.inc({ region: counters.region, kind, outcome }, count);
  }
  registry.registerMetric(storedDurationHistogram(picture.counters));

  const lastDuration = gauge("probemesh_probe_last_duration_seconds", "Duration of the latest probe of a check in a region.", ["check_id", "region"]);
  const lastSuccess = gauge("probemesh_probe_last_success_timestamp_seconds", "Unix time of the latest passing probe of a check in a region.", ["check_id", "region"]);
  for (const entry of picture.latest) {
    const labels = { check_id: entry.checkId, region: entry.region };
    lastDuration.set(labels, entry.result.durationMs / 1000);
    if (entry.lastPassAt) lastSuccess.set(labels, Date.parse(entry.lastPassAt) / 1000);
  }
  const info = gauge("probemesh_check_info", "What a check tests (always 1): join on check_id.", ["check_id", "product", "component", "target"]);
  for (const check of infoChecks(picture)) {
    info.set({ check_id: check.checkId, product: check.product ?? "", component: check.component ?? "", target: check.target }, 1);
  }
  const up = gauge("probemesh_check_up", "1 when the check is up in the region after thresholds, 0 when down (unknown or stale: absent).", ["check_id", "region"]);
  for (const { checkId, regions } of picture.verdicts) {
    for (const [region, state] of Object.entries(regions)) if (state === "up" || state === "down") up.set({ check_id: checkId, region }, state === "up" ? 1 : 0);
  }
  summaryGauges(picture, gauge);
  return registry;
}

/** Counts over the latest picture: checks by status and outcome, verdicts, region health. */
function summaryGauges(picture: StoredPicture, gauge: (name: string, help: string, labelNames: string[]) => Gauge) {
  const checks = gauge("probemesh_checks", "Checks by probe region and status of their latest result.", ["region", "status"]);
  for (const [[region, status], count] of countBy(picture.latest, (e) => [e.region, e.result.status])) checks.set({ region, status }, count);
  const failures = gauge("probemesh_check_failures", "Checks whose latest result did not pass, by probe region and outcome.", ["region", "outcome"]);
  const failing = picture.latest.filter((e) => e.result.status !== "pass");
  for (const [[region, outcome], count] of countBy(failing, (e) => [e.region, e.result.outcome])) failures.set({ region, outcome }, count);
  const verdicts = gauge("probemesh_check_verdicts", "Checks by cross-region verdict (the stored verdict model).", ["verdict"]);
  for (const [verdict, count] of Object.entries(countVerdicts(picture.verdicts))) verdicts.set({ verdict }, count);
  const regionUp = gauge("probemesh_region_up", "1 when the region answered its latest round and it is fresh.", ["region"]);
  const lastRound = gauge("probemesh_region_last_round_timestamp_seconds", "Unix time of the region's latest round.", ["region"]);
  for (const view of picture.regions) {
    regionUp.set({ region: view.region }, view.ok && !view.stale ? 1 : 0);
    if (view.lastRoundAt) lastRound.set({ region: view.region }, Date.parse(view.lastRoundAt) / 1000);
  }
}

/** The planned checks, and any check the store holds results of that the plan no longer lists. */
function infoChecks(picture: StoredPicture): Check[] {
  const known = new Map(picture.checks.map((check) => [check.checkId, check]));
  for (const entry of picture.latest) if (!known.has(entry.checkId)) known.set(entry.checkId, { checkId: entry.checkId, target: entry.result.target });
  return [...known.values()].sort((a, b) => a.checkId.localeCompare(b.checkId));
}

/**
 * `probemesh_probe_duration_seconds` as a cumulative histogram of the store's bucket counters.
 * prom-client's own Histogram only counts observations made in this process; this one reports
 * buckets counted elsewhere, in the shape prom-client's registry formats (and promtool checks).
 */
function storedDurationHistogram(counters: RegionCounters[]): Metric {
  const name = "probemesh_probe_duration_seconds";
  const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
  for (const region of counters) {
    for (const kind of Object.keys(region.buckets).sort()) {
      const buckets = region.buckets[kind]!;
      let cumulative = 0;
      DURATION_BOUNDS_S.forEach((bound, i) => {
        cumulative += buckets[i] ?? 0;
        values.push({ metricName: `${name}_bucket`, labels: { region: region.region, kind, le: bound }, value: cumulative });
      });
      const count = cumulative + (buckets[DURATION_BOUNDS_S.length] ?? 0);
      values.push({ metricName: `${name}_bucket`, labels: { region: region.region, kind, le: "+Inf" }, value: count });
      values.push({ metricName: `${name}_sum`, labels: { region: region.region, kind }, value: region.seconds[kind] ?? 0 });
      values.push({ metricName: `${name}_count`, labels: { region: region.region, kind }, value: count });
    }
  }
  const metric = {
    name,
    help: "Durations of every stored probe result, by probe region and kind (cumulative since the first result).",
    type: "histogram",
    aggregator: "sum",
    get: () => ({ name, help: metric.help, type: "histogram", aggregator: "sum", values }),
  };
  return metric as unknown as Metric;
}

function countBy<T>(items: T[], labelsOf: (item: T) => [string, string]): Array<[[string, string], number]> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const key = labelsOf(item).join("\n");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => [key.split("\n") as [string, string], count]);
}

const METRICS_DOC = documented({
  operationId: "getMetrics",
  summary: "Prometheus text: probe counters and duration histograms per region and kind, per check × region gauges, region health",
  tag: "meta",
  security: "public",
  ok: { status: 200, description: "Prometheus text exposition format 0.0.4", media: "text/plain; version=0.0.4", schema: v.pipe(v.string(), v.description("Prometheus text exposition")) },
  errors: { 503: true },
});
