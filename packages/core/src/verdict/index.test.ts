import { describe, expect, it } from "vitest";
import type { Status } from "../result/index.js";
import {
  crossRegionVerdict,
  defaultQuorum,
  isStale,
  judgeChecks,
  nextRegionState,
  staleAfterOf,
  stepIncident,
  type RegionCounter,
} from "./index.js";

const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();

function fold(statuses: Status[], thresholds = { fail: 2, recover: 2 }): RegionCounter[] {
  const trail: RegionCounter[] = [];
  let counter: RegionCounter | undefined;
  statuses.forEach((status, i) => {
    counter = nextRegionState(counter, { status, at: at(i) }, thresholds);
    trail.push(counter);
  });
  return trail;
}

describe("nextRegionState", () => {
  it("applies the fail threshold from the first result: a new check needs two failures in a row to go down", () => {
    expect(fold(["pass"])[0]!.state).toBe("up");
    expect(fold(["fail"]).map((c) => c.state)).toEqual(["unknown"]);
    expect(fold(["fail", "fail"]).map((c) => c.state)).toEqual(["unknown", "down"]);
    expect(fold(["fail", "pass"]).map((c) => c.state)).toEqual(["unknown", "up"]);
    expect(fold(["inconclusive"])[0]!.state).toBe("unknown");
    expect(fold(["inconclusive", "fail", "inconclusive", "fail"]).map((c) => c.state)).toEqual(["unknown", "unknown", "unknown", "down"]);
    expect(fold(["fail", "fail", "fail"], { fail: 3, recover: 2 }).map((c) => c.state)).toEqual(["unknown", "unknown", "down"]);
    expect(fold(["fail", "fail"])[1]!.since).toBe(at(1));
  });

  it("needs two failures in a row to go down and two passes to recover", () => {
    const states = fold(["pass", "fail", "pass", "fail", "fail", "pass", "fail", "pass", "pass"]).map((c) => c.state);
    expect(states).toEqual(["up", "up", "up", "up", "down", "down", "down", "down", "up"]);
  });

  it("records when the state changed", () => {
    const trail = fold(["pass", "fail", "fail", "fail"]);
    expect(trail[3]!.since).toBe(at(2));
    expect(trail[3]!.consecutiveFailures).toBe(3);
  });

  it("treats inconclusive as neither failure nor recovery", () => {
    const states = fold(["pass", "fail", "inconclusive", "fail", "inconclusive", "pass", "inconclusive", "pass"]).map(
      (c) => c.state,
    );
    expect(states).toEqual(["up", "up", "up", "down", "down", "down", "down", "up"]);
  });

  it("honours custom thresholds", () => {
    const states = fold(["pass", "fail", "fail", "fail"], { fail: 3, recover: 1 }).map((c) => c.state);
    expect(states).toEqual(["up", "up", "up", "down"]);
  });

  it("ignores a redelivered or older result", () => {
    const once = nextRegionState(undefined, { status: "pass", at: at(1) });
    const failed = nextRegionState(once, { status: "fail", at: at(2) });
    expect(nextRegionState(failed, { status: "fail", at: at(2) })).toBe(failed);
    expect(nextRegionState(failed, { status: "fail", at: at(0) })).toBe(failed);
  });
});

describe("crossRegionVerdict", () => {
  const q = defaultQuorum(3);
  it("uses a strict majority by default", () => {
    expect([defaultQuorum(1), defaultQuorum(2), defaultQuorum(3), defaultQuorum(4), defaultQuorum(20)]).toEqual([
      1, 2, 2, 3, 11,
    ]);
  });
  it("is up when regions pass, degraded below quorum, down at quorum", () => {
    expect(crossRegionVerdict({ a: "up", b: "up", c: "up" }, q)).toBe("up");
    expect(crossRegionVerdict({ a: "down", b: "up", c: "up" }, q)).toBe("degraded");
    expect(crossRegionVerdict({ a: "down", b: "down", c: "up" }, q)).toBe("down");
    expect(crossRegionVerdict({ a: "down", b: "down", c: "up" }, 3)).toBe("degraded");
  });
  it("never counts a stale region as down", () => {
    expect(crossRegionVerdict({ a: "stale", b: "stale", c: "up" }, q)).toBe("unknown");
    expect(crossRegionVerdict({ a: "stale", b: "up", c: "up" }, q)).toBe("up");
    expect(crossRegionVerdict({ a: "stale", b: "stale", c: "down" }, q)).toBe("degraded");
    expect(crossRegionVerdict({ a: "stale", b: "unknown", c: "stale" }, q)).toBe("unknown");
    expect(crossRegionVerdict({}, q)).toBe("unknown");
  });
});

describe("isStale", () => {
  it("compares the newest sign of life with the limit", () => {
    const now = new Date(at(10));
    expect(isStale(at(9), now, 120_000)).toBe(false);
    expect(isStale(at(7), now, 120_000)).toBe(true);
    expect(isStale(undefined, now, 120_000)).toBe(true);
  });

  it("gives an agent on a longer interval two of its intervals plus 30 s, or the shorter configured window", () => {
    expect(staleAfterOf(undefined, 150_000)).toBe(150_000);
    expect(staleAfterOf({ intervalS: 30 }, 150_000)).toBe(150_000);
    expect(staleAfterOf({ intervalS: 300 }, 150_000)).toBe(630_000);
    // PROBEMESH_STALE_AFTER_S=4: a 1 s agent is stale after 2 s + 4 s, not after 32 s.
    expect(staleAfterOf({ intervalS: 1 }, 4_000)).toBe(6_000);
  });
});

describe("stepIncident", () => {
  it("opens on degraded, widens to down, survives unknown, resolves on up", () => {
    const opened = stepIncident("c1", undefined, "degraded", { regions: ["eu"], outcomes: { tcp_timeout: 1 } }, at(1));
    expect(opened.opened).toMatchObject({ id: `c1@${at(1)}`, verdict: "degraded", regions: ["eu"] });
    const widened = stepIncident("c1", opened.open, "down", { regions: ["us", "eu"], outcomes: { tcp_timeout: 2 } }, at(2));
    expect(widened).toMatchObject({ changed: true, open: { verdict: "down", regions: ["eu", "us"], outcomes: { tcp_timeout: 2 } } });
    expect(widened.opened).toBeUndefined();
    const calm = stepIncident("c1", widened.open, "degraded", { regions: ["eu"], outcomes: { tcp_timeout: 1 } }, at(3));
    expect(calm).toMatchObject({ changed: false, open: { verdict: "down" } });
    expect(stepIncident("c1", calm.open, "unknown", { regions: [], outcomes: {} }, at(4))).toMatchObject({
      changed: false,
      open: { openedAt: at(1) },
    });
    const resolved = stepIncident("c1", calm.open, "up", { regions: [], outcomes: {} }, at(5));
    expect(resolved.open).toBeUndefined();
    expect(resolved.resolved).toMatchObject({ openedAt: at(1), resolvedAt: at(5), verdict: "down" });
  });
  it("does nothing while up with no incident", () => {
    expect(stepIncident("c1", undefined, "up", { regions: [], outcomes: {} }, at(1))).toEqual({ changed: false });
    expect(stepIncident("c1", undefined, "unknown", { regions: [], outcomes: {} }, at(1))).toEqual({ changed: false, open: undefined });
  });
});

describe("stepIncident alerts", () => {
  const eu = { regions: ["eu"], outcomes: { tcp_timeout: 1 } };
  const both = { regions: ["eu", "us"], outcomes: { tcp_timeout: 2 } };
  const window = (regions?: string[]) => ({ name: "upgrade", startedAt: at(0), endsAt: at(60), ...(regions ? { regions } : {}) });

  it("alerts on any failing region by default, and resolves what it alerted", () => {
    const opened = stepIncident("c1", undefined, "degraded", eu, at(1));
    expect(opened).toMatchObject({ alert: "opened", opened: { alerted: true } });
    expect(opened.opened).not.toHaveProperty("maintenance");
    expect(stepIncident("c1", opened.open, "down", both, at(2)).alert).toBeUndefined();
    expect(stepIncident("c1", opened.open, "up", { regions: [], outcomes: {} }, at(3))).toMatchObject({ alert: "resolved" });
  });

  it("with alertOn quorum, holds a degraded incident back and alerts once it is down", () => {
    const policy = { alertOn: "quorum" as const };
    const held = stepIncident("c1", undefined, "degraded", eu, at(1), policy);
    expect(held).toMatchObject({ changed: true, opened: { alerted: false } });
    expect(held.alert).toBeUndefined();
    const raised = stepIncident("c1", held.open, "down", both, at(2), policy);
    expect(raised).toMatchObject({ alert: "opened", changed: true, open: { alerted: true, openedAt: at(1) } });
    expect(stepIncident("c1", raised.open, "down", both, at(3), policy).alert).toBeUndefined();
    // Never down: it opens and resolves without a word.
    const quiet = stepIncident("c2", undefined, "degraded", eu, at(1), policy);
    expect(stepIncident("c2", quiet.open, "up", { regions: [], outcomes: {} }, at(2), policy)).toMatchObject({ changed: true, resolved: { resolvedAt: at(2) } });
    expect(stepIncident("c2", quiet.open, "up", { regions: [], outcomes: {} }, at(2), policy).alert).toBeUndefined();
  });

  it("mutes failures inside a maintenance window, tags the incident, and alerts if it outlasts the window", () => {
    const inside = stepIncident("c1", undefined, "down", both, at(1), { windows: [window()] });
    expect(inside).toMatchObject({ opened: { alerted: false, maintenance: ["upgrade"] } });
    expect(inside.alert).toBeUndefined();
    expect(stepIncident("c1", inside.open, "down", both, at(2), { windows: [window()] }).alert).toBeUndefined();
    // The window ended and the check still fails: now it alerts, still tagged.
    const after = stepIncident("c1", inside.open, "down", both, at(61), { windows: [] });
    expect(after).toMatchObject({ alert: "opened", open: { alerted: true, maintenance: ["upgrade"] } });
    // Resolved inside the window after all: nothing was said, nothing is said.
    expect(stepIncident("c1", inside.open, "up", { regions: [], outcomes: {} }, at(3)).alert).toBeUndefined();
  });

  it("a window limited to some regions mutes only their failures", () => {
    const euWindow = [window(["eu"])];
    const onlyEu = stepIncident("c1", undefined, "degraded", eu, at(1), { windows: euWindow });
    expect(onlyEu).toMatchObject({ opened: { alerted: false, maintenance: ["upgrade"] } });
    const usToo = stepIncident("c1", onlyEu.open, "down", both, at(2), { windows: euWindow });
    expect(usToo).toMatchObject({ alert: "opened", open: { alerted: true } });
    // A window of another region neither mutes nor tags.
    const elsewhere = stepIncident("c3", undefined, "degraded", eu, at(1), { windows: [window(["ap"])] });
    expect(elsewhere).toMatchObject({ alert: "opened" });
    expect(elsewhere.opened).not.toHaveProperty("maintenance");
  });

  it("keeps the fewest days an expiring certificate has left", () => {
    const expiring = (daysLeft: number) => ({ regions: ["eu"], outcomes: { tls_cert_expiring: 1 }, daysLeft });
    const opened = stepIncident("c1", undefined, "degraded", expiring(9), at(1));
    expect(opened.opened).toMatchObject({ daysLeft: 9 });
    expect(stepIncident("c1", opened.open, "degraded", expiring(8), at(2))).toMatchObject({ changed: true, open: { daysLeft: 8 } });
    expect(stepIncident("c1", opened.open, "degraded", eu, at(2)).open).toMatchObject({ daysLeft: 9 });
  });

  it("resolves incidents stored before the alerted flag existed with an alert, as before", () => {
    const legacy = { id: "c1@x", checkId: "c1", openedAt: at(1), verdict: "down" as const, regions: ["eu"], outcomes: {} };
    expect(stepIncident("c1", legacy, "up", { regions: [], outcomes: {} }, at(2)).alert).toBe("resolved");
  });
});

describe("judgeChecks quorum", () => {
  it("uses a check's own quorum, capped at the region count", () => {
    const now = new Date(at(10));
    const regions = ["a", "b", "c"];
    const heartbeats = regions.map((region) => ({ region, roundId: "r", at: at(10), ok: true }));
    const entry = (checkId: string, region: string, state: "up" | "down") => ({
      checkId, region, state, consecutiveFailures: 0, consecutivePasses: 0, since: at(0),
      result: { checkId, target: "tcp://h:1", kind: "tcp" as const, region, at: at(10), status: state === "up" ? ("pass" as const) : ("fail" as const), outcome: "ok" as const, durationMs: 1, phases: {} },
    });
    const latest = ["one", "default", "huge"].flatMap((id) => [entry(id, "a", "down"), entry(id, "b", "up"), entry(id, "c", "up")]);
    const own: Record<string, number> = { one: 1, huge: 9 };
    const judged = judgeChecks({ latest, heartbeats, regions, now, staleAfterMs: 60_000, quorumOf: (id) => own[id] });
    expect(judged.map((j) => [j.checkId, j.verdict, j.quorum])).toEqual([
      ["default", "degraded", undefined],
      ["huge", "degraded", 3],
      ["one", "down", 1],
    ]);
    // An expiring certificate: the fewest days left among the failing regions.
    const cert = ["a", "b"].map((region, i) => {
      const e = entry("cert", region, "down");
      return { ...e, result: { ...e.result, kind: "tls" as const, outcome: "tls_cert_expiring" as const, detail: { daysLeft: 6 - i } } };
    });
    const [judgedCert] = judgeChecks({ latest: cert, heartbeats, regions, now, staleAfterMs: 60_000 });
    expect(judgedCert).toMatchObject({ verdict: "down", outcomes: { tls_cert_expiring: 2 }, daysLeft: 5 });
  });
});


describe("judgeChecks with agent locations", () => {
  const now = new Date(at(10));
  const entry = (checkId: string, region: string, state: "up" | "down", minute = 10) => ({
    checkId, region, state, consecutiveFailures: 0, consecutivePasses: 0, since: at(0),
    result: { checkId, target: "tcp://h:1", kind: "tcp" as const, region, at: at(minute), status: state === "up" ? ("pass" as const) : ("fail" as const), outcome: "tcp_refused" as const, durationMs: 1, phases: {} },
  });
  const regions = ["a", "b", "agent:dc1"];
  const beat = (region: string, minute = 10, intervalS?: number) => ({ region, roundId: "r", at: at(minute), ok: true, ...(intervalS ? { intervalS } : {}) });

  it("a check only the agent probes is judged by the agent alone (its down is down)", () => {
    const judged = judgeChecks({
      latest: [entry("internal", "agent:dc1", "down")],
      heartbeats: regions.map((r) => beat(r)),
      regions, now, staleAfterMs: 60_000,
      probes: (checkId, region) => (checkId === "internal" ? region === "agent:dc1" : true),
    });
    expect(judged).toMatchObject([{ checkId: "internal", verdict: "down", regions: { "agent:dc1": "down" }, failing: ["agent:dc1"] }]);
    expect(Object.keys(judged[0]!.regions)).toEqual(["agent:dc1"]);
  });

  it("an agent that does not count is shown but moves neither verdict nor quorum", () => {
    const latest = [entry("c", "a", "up"), entry("c", "b", "up"), entry("c", "agent:dc1", "down")];
    const heartbeats = regions.map((r) => beat(r));
    const counting = judgeChecks({ latest, heartbeats, regions, now, staleAfterMs: 60_000 });
    const shownOnly = judgeChecks({ latest, heartbeats, regions, now, staleAfterMs: 60_000, counts: (r) => !r.startsWith("agent:") });
    expect(counting[0]).toMatchObject({ verdict: "degraded", regions: { "agent:dc1": "down" } });
    expect(shownOnly[0]).toMatchObject({ verdict: "up", regions: { a: "up", b: "up", "agent:dc1": "down" } });
  });

  it("a silent agent is stale, never down; a longer own interval keeps it fresh for longer", () => {
    const latest = [entry("c", "a", "up"), entry("c", "b", "up"), entry("c", "agent:dc1", "down", 7)];
    const silent = judgeChecks({ latest, heartbeats: [beat("a"), beat("b"), beat("agent:dc1", 7)], regions, now, staleAfterMs: 60_000 });
    expect(silent[0]).toMatchObject({ verdict: "up", regions: { "agent:dc1": "stale" }, failing: [] });
    const slowAgent = judgeChecks({ latest, heartbeats: [beat("a"), beat("b"), beat("agent:dc1", 7, 120)], regions, now, staleAfterMs: 60_000 });
    expect(slowAgent[0]).toMatchObject({ verdict: "degraded", regions: { "agent:dc1": "down" } });
  });
});
