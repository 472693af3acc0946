import { describe, expect, it } from "vitest";
import type { CheckRow, HistoryPoint } from "../api/index.js";
import {
  bucketGrid,
  filterChecks,
  formatAge,
  formatDuration,
  formatLatency,
  formatUptime,
  groupChecks,
  latencySeries,
  maintenanceText,
  outcomeText,
  overallUptime,
  regionColumns,
  rowTitle,
  splitLabel,
  stateNote,
  statusPresentation,
  uptimeSlots,
  verdictPresentation,
} from "./index.js";

const NOW = Date.parse("2025-06-01T12:00:00Z");

describe("formatAge", () => {
  it("reads in the largest whole unit", () => {
    expect(formatAge("2025-06-01T12:00:00Z", NOW)).toBe("just now");
    expect(formatAge("2025-06-01T11:59:18Z", NOW)).toBe("42 s ago");
    expect(formatAge("2025-06-01T11:55:00Z", NOW)).toBe("5 min ago");
    expect(formatAge("2025-06-01T09:00:01Z", NOW)).toBe("2 h ago");
    expect(formatAge("2025-05-29T12:00:00Z", NOW)).toBe("3 d ago");
  });
  it("never shows a negative age for a clock slightly ahead", () => {
    expect(formatAge("2025-06-01T12:00:03Z", NOW)).toBe("just now");
  });
  it("shows a dash for missing or unparseable times", () => {
    expect(formatAge(undefined, NOW)).toBe("—");
    expect(formatAge(null, NOW)).toBe("—");
    expect(formatAge("yesterday", NOW)).toBe("—");
  });
});

describe("durations, latency and uptime", () => {
  it("formats incident durations", () => {
    expect(formatDuration(42_000)).toBe("42 s");
    expect(formatDuration(5 * 60_000)).toBe("5 min");
    expect(formatDuration(3 * 3_600_000)).toBe("3 h");
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000)).toBe("3 h 12 min");
    expect(formatDuration(52 * 3_600_000)).toBe("2 d 4 h");
  });
  it("formats latency", () => {
    expect(formatLatency(0.3)).toBe("<1 ms");
    expect(formatLatency(86.6)).toBe("87 ms");
    expect(formatLatency(1250)).toBe("1.25 s");
    expect(formatLatency(12_400)).toBe("12 s");
    expect(formatLatency(undefined)).toBe("—");
    expect(formatLatency(Number.NaN)).toBe("—");
  });
  it("never rounds a partial uptime up to 100%", () => {
    expect(formatUptime(1)).toBe("100%");
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(0.5)).toBe("50%");
    expect(formatUptime(0.333333)).toBe("33.3%");
    expect(formatUptime(0)).toBe("0%");
    expect(formatUptime(null)).toBe("no data");
  });
});

describe("status and verdict presentation", () => {
  it("pairs every status with an icon and a word, not colour alone", () => {
    expect(statusPresentation("pass")).toEqual({ icon: "✓", text: "pass", tone: "pass" });
    expect(statusPresentation("fail")).toEqual({ icon: "✕", text: "fail", tone: "fail" });
    expect(statusPresentation("inconclusive")).toMatchObject({ text: "inconclusive", tone: "inconclusive" });
    expect(statusPresentation(undefined)).toMatchObject({ text: "no data", tone: "none" });
  });
  it("gives each verdict a distinct icon and word", () => {
    const all = (["up", "degraded", "down", "unknown"] as const).map(verdictPresentation);
    expect(all.map((p) => p.text)).toEqual(["Up", "Degraded", "Down", "Unknown"]);
    expect(new Set(all.map((p) => p.icon)).size).toBe(4);
    expect(verdictPresentation(undefined).text).toBe("Unknown");
  });
  it("words outcomes for people and passes unknown codes through", () => {
    expect(outcomeText("dns_nxdomain")).toBe("NXDOMAIN");
    expect(outcomeText("udp_no_reply")).toBe("no UDP reply");
    expect(outcomeText("something_new")).toBe("something_new");
    expect(outcomeText("tls_cert_expiring")).toBe("cert expiring");
    expect(outcomeText("tls_cert_expiring", { daysLeft: 5 })).toBe("cert expires in 5 days");
    expect(outcomeText("tls_cert_expiring", { daysLeft: 1 })).toBe("cert expires in 1 day");
    expect(outcomeText("ok", { daysLeft: 300 })).toBe("ok");
    expect(maintenanceText({ name: "upgrade", startedAt: "2026-12-02T14:00:00.000Z", endsAt: "2026-12-02T15:00:00.000Z" })).toBe("Maintenance: upgrade until 2026-12-02 15:00 UTC");
    expect(maintenanceText({ name: "eu", startedAt: "2026-12-02T14:00:00.000Z", endsAt: "2026-12-02T15:30:00.000Z", regions: ["eu-west-1"] })).toBe(
      "Maintenance: eu until 2026-12-02 15:30 UTC (eu-west-1)",
    );
  });
});

function row(checkId: string, product: string | undefined, component: string | undefined, label: string, regions: string[] = []): CheckRow {
  const cells = Object.fromEntries(
    regions.map((r) => [r, { status: "pass", outcome: "ok", durationMs: 1, at: "", state: "up", since: "", stale: false, detail: null }]),
  ) as CheckRow["regions"];
  return { checkId, product: product ?? null, component: component ?? null, level: null, verdict: "unknown", label, target: `tcp://${checkId}:443`, regions: cells };
}

describe("groupChecks and regionColumns", () => {
  it("groups by product then component, each sorted, rows by label", () => {
    const groups = groupChecks([
      row("a", "strongdm", "gateway", "z last"),
      row("b", "kong-konnect", "data plane", "telemetry"),
      row("c", "kong-konnect", "data plane", "control plane"),
      row("d", "kong-konnect", "cli", "api"),
      row("e", undefined, undefined, "ad hoc"),
    ]);
    expect(groups.map((g) => g.product)).toEqual(["kong-konnect", "other", "strongdm"]);
    expect(groups[0]!.components.map((c) => c.component)).toEqual(["cli", "data plane"]);
    expect(groups[0]!.components[1]!.checks.map((c) => c.checkId)).toEqual(["c", "b"]);
    expect(groups[1]!.components[0]!.checks.map((c) => c.checkId)).toEqual(["e"]);
    expect(groups[0]!.components.map((c) => c.title)).toEqual(["Cli", "Data plane"]);
  });
  it("titles components and rows from labels shaped 'Product / Component → requirement'", () => {
    const groups = groupChecks([
      row("b", "kong-konnect", "control-plane-ports", "Kong Konnect / Control plane ports → kong-cp.lab.example https/443 (egress)"),
      row("a", "kong-konnect", "control-plane-ports", "Kong Konnect / Control plane ports → api.lab.example tcp/443 (egress)"),
    ]);
    expect(groups[0]!.components[0]!.title).toBe("Control plane ports");
    expect(groups[0]!.components[0]!.checks.map((c) => rowTitle(c))).toEqual([
      "api.lab.example tcp/443 (egress)",
      "kong-cp.lab.example https/443 (egress)",
    ]);
    expect(splitLabel("plain label")).toEqual({ name: "plain label" });
    expect(rowTitle({ checkId: "x", label: null, target: "tcp://h:1" })).toBe("tcp://h:1");
  });
  it("keeps the API's region order and appends regions only seen in results", () => {
    const checks = [row("a", "p", "c", "l", ["us-east-1", "sa-east-1"]), row("b", "p", "c", "m", ["ap-south-1"])];
    expect(regionColumns([{ region: "us-east-1" }, { region: "eu-west-1" }], checks)).toEqual([
      "us-east-1",
      "eu-west-1",
      "ap-south-1",
      "sa-east-1",
    ]);
  });
});

function point(region: string, start: string, pass: number, fail: number, inconclusive = 0, p50?: number): HistoryPoint {
  return {
    region,
    start,
    bucket: "1h",
    counts: { pass, fail, inconclusive },
    outcomes: {},
    latency: p50 === undefined ? { count: 0 } : { count: pass + fail, p50, p95: p50 * 2, p99: p50 * 3 },
  };
}

describe("history → uptime bars and latency series", () => {
  const range = { fromMs: Date.parse("2025-06-01T09:30:00Z"), toMs: Date.parse("2025-06-01T12:10:00Z"), bucket: "1h" as const };
  const series = [
    point("eu-west-1", "2025-06-01T09:00:00Z", 60, 0, 0, 10),
    point("eu-west-1", "2025-06-01T10:00:00Z", 30, 30, 0, 20),
    point("eu-west-1", "2025-06-01T12:00:00Z", 0, 0, 5),
    // Raw items of the open bucket arrive as extra points inside the same hour.
    point("eu-west-1", "2025-06-01T12:05:00Z", 0, 2),
    point("us-east-1", "2025-06-01T10:00:00Z", 0, 60),
  ];

  it("lays one slot per hour on the grid, gaps included", () => {
    expect(bucketGrid(range.fromMs, range.toMs, "1h").map((t) => new Date(t).toISOString().slice(11, 16))).toEqual([
      "09:00",
      "10:00",
      "11:00",
      "12:00",
    ]);
    const slots = uptimeSlots(series, "eu-west-1", range);
    expect(slots.map((s) => s.tone)).toEqual(["pass", "partial", "none", "fail"]);
    expect(slots.map((s) => s.uptime)).toEqual([1, 0.5, null, 0]);
    expect(slots[3]!.counts).toEqual({ pass: 0, fail: 2, inconclusive: 5 });
    expect(overallUptime(slots)).toBeCloseTo(90 / 122);
    expect(uptimeSlots(series, "us-east-1", range).map((s) => s.tone)).toEqual(["none", "fail", "none", "none"]);
  });

  it("counts a bucket of only inconclusive results as neither up nor down", () => {
    const slots = uptimeSlots([point("r", "2025-06-01T09:00:00Z", 0, 0, 4)], "r", range);
    expect(slots[0]).toMatchObject({ tone: "inconclusive", uptime: null });
    expect(overallUptime(slots)).toBeNull();
  });

  it("builds aligned uPlot data with nulls for missing latency", () => {
    const [xs, p50, p95, p99] = latencySeries(series, "eu-west-1", range);
    expect(xs).toEqual([9, 10, 11, 12].map((h) => Date.parse(`2025-06-01T${String(h).padStart(2, "0")}:00:00Z`) / 1000));
    expect(p50).toEqual([10, 20, null, null]);
    expect(p95).toEqual([20, 40, null, null]);
    expect(p99).toEqual([30, 60, null, null]);
  });
});

describe("filterChecks", () => {
  const failing = row("f", "strongdm", "gateway", "Relay");
  failing.regions["eu-west-1"] = { status: "fail", outcome: "tcp_refused", durationMs: 3, at: "", state: "down", since: "", stale: false, detail: null };
  const checks = [row("a", "kong-konnect", "data plane", "Telemetry", ["us-east-1"]), failing, row("u", "strongdm", "gateway", "API", ["us-east-1"])];
  const verdicts = new Map<string, "up" | "degraded" | "down" | "unknown">([["a", "up"], ["f", "degraded"]]);

  it("matches every word against label, target, product id and name, component", () => {
    expect(filterChecks(checks, verdicts, { text: "", onlyProblems: false }).map((c) => c.checkId)).toEqual(["a", "f", "u"]);
    expect(filterChecks(checks, verdicts, { text: "KONG tele", onlyProblems: false }).map((c) => c.checkId)).toEqual(["a"]);
    expect(filterChecks(checks, verdicts, { text: "StrongDM gateway", onlyProblems: false }).map((c) => c.checkId)).toEqual(["f", "u"]);
    expect(filterChecks(checks, verdicts, { text: "tcp://f:443", onlyProblems: false }).map((c) => c.checkId)).toEqual(["f"]);
  });
  it("keeps failing, non-up and unjudged checks when only problems are wanted", () => {
    // "u" has no verdict yet: unknown is a problem worth seeing.
    expect(filterChecks(checks, verdicts, { text: "", onlyProblems: true }).map((c) => c.checkId)).toEqual(["f", "u"]);
  });
});

describe("stateNote", () => {
  it("says how long a region has been down, and nothing while it is up or unknown", () => {
    expect(stateNote({ state: "down", since: "2025-06-01T11:55:00Z" }, NOW)).toBe("down for 5 min");
    expect(stateNote({ state: "down", since: "2025-06-01T12:00:00Z" }, NOW)).toBe("down since just now");
    expect(stateNote({ state: "up", since: "2025-06-01T11:55:00Z" }, NOW)).toBeUndefined();
    expect(stateNote({ state: "unknown", since: "" }, NOW)).toBeUndefined();
    expect(stateNote(undefined, NOW)).toBeUndefined();
  });
});
