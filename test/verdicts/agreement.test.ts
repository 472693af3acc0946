import { createGuard, DEFAULT_POLICY } from "@probemesh/core/guard";
import type { Check } from "@probemesh/core/check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/index.js";
import { chatopsRoutes, signSlackRequest } from "../../packages/functions/src/chatops/index.js";
import { deps, freshStore, REGIONS, result } from "../api/helpers.js";

/**
 * One data set, every reader: the verdicts that /v1/status, /v1/checks, /metrics, Slack
 * `/probe status` and the incident log report are the same, because each reads the one
 * stored verdict model (core/verdict) instead of computing its own.
 */

const SECRET = "agreement-secret";
const T0 = Date.parse("2026-03-01T10:00:00Z");
const minute = 60_000;

const CHECKS: Check[] = [
  { checkId: "all-up", target: "tcp://up.lab.test:443", label: "all up", product: "p" },
  { checkId: "one-down", target: "tcp://one.lab.test:443", label: "one region down", product: "p" },
  { checkId: "two-down", target: "tcp://two.lab.test:443", label: "two regions down", product: "p" },
  { checkId: "new-fail", target: "tcp://new.lab.test:443", label: "failed once, new", product: "p" },
  { checkId: "stale-down", target: "tcp://stale.lab.test:443", label: "down where the region went silent", product: "p" },
];

/** Which regions fail each check, round by round (ap-southeast-2 falls silent after round 2). */
function failing(checkId: string, round: number): string[] {
  switch (checkId) {
    case "one-down":
      return ["eu-west-1"];
    case "two-down":
      return ["eu-west-1", "us-east-1"];
    case "new-fail":
      return round === 3 ? ["us-east-1", "eu-west-1"] : [];
    case "stale-down":
      return ["ap-southeast-2", "eu-west-1"];
    default:
      return [];
  }
}

describe("every reader agrees on the verdict", () => {
  it("API status, API checks, metrics, Slack and incidents report the same verdicts from one data set", async () => {
    let now = T0;
    const clock = () => new Date(now);
    const store = await freshStore(clock);
    for (let round = 1; round <= 3; round++) {
      now = T0 + round * minute;
      const at = clock().toISOString();
      const regions = round <= 2 ? REGIONS : REGIONS.filter((r) => r !== "ap-southeast-2");
      for (const region of regions) {
        const results = CHECKS.filter((c) => c.checkId !== "new-fail" || round === 3)
          .map((c) => ({ ...result(c.checkId, region, at, !failing(c.checkId, round).includes(region)), target: c.target }));
        await store.writeResults(region, `r${round}`, results);
        await store.recordHeartbeat({ region, roundId: `r${round}`, at, ok: true, checks: results.length });
      }
      await store.evaluate({ now: clock(), regions: REGIONS, staleAfterMs: 150_000 });
    }
    // ap-southeast-2 last answered at round 2; three minutes later it is stale.
    now = T0 + 5 * minute;
    const evaluation = await store.evaluate({ now: clock(), regions: REGIONS, staleAfterMs: 150_000 });
    const expected = Object.fromEntries(evaluation.verdicts.map((v) => [v.checkId, v.verdict]));
    expect(expected).toEqual({ "all-up": "up", "one-down": "degraded", "two-down": "down", "new-fail": "unknown", "stale-down": "degraded" });

    const app = createApp({
      ...deps(store, { checks: () => CHECKS, now: clock }),
      chatops: chatopsRoutes({
        signingSecret: SECRET,
        store,
        regions: REGIONS,
        guard: createGuard(DEFAULT_POLICY),
        planProduct: () => [],
        checks: () => CHECKS,
        dispatch: async () => {},
        webhookPolicy: { allowedHosts: ["hooks.slack.com"] },
        staleAfterMs: 150_000,
        now: () => now,
      }),
    });

    const status = (await (await app.request("/v1/status")).json()) as { checks: Array<{ checkId: string; verdict: string; regions: Record<string, string> }> };
    expect(Object.fromEntries(status.checks.map((c) => [c.checkId, c.verdict]))).toEqual(expected);
    expect(status.checks.find((c) => c.checkId === "stale-down")!.regions["ap-southeast-2"]).toBe("stale");

    const checks = (await (await app.request("/v1/checks")).json()) as { checks: Array<{ checkId: string; verdict: string }> };
    expect(Object.fromEntries(checks.checks.map((c) => [c.checkId, c.verdict]))).toEqual(expected);

    const metrics = await (await app.request("/metrics")).text();
    for (const verdict of ["up", "degraded", "down", "unknown"]) {
      const count = Object.values(expected).filter((v) => v === verdict).length;
      expect(metrics).toContain(`probemesh_check_verdicts{verdict="${verdict}"} ${count}`);
    }
    expect(metrics).toContain('probemesh_check_up{check_id="two-down",region="eu-west-1"} 0');
    expect(metrics).not.toContain('probemesh_check_up{check_id="stale-down",region="ap-southeast-2"}');

    const body = new URLSearchParams({ team_id: "T1", user_id: "U1", command: "/probe", text: "status p", response_url: "https://hooks.slack.com/commands/T1/1/x", trigger_id: "t1" }).toString();
    const ts = String(Math.floor(now / 1000));
    const slack = await app.request("/chatops/slack", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": ts, "x-slack-signature": signSlackRequest(SECRET, ts, body) },
      body,
    });
    const text = JSON.stringify(await slack.json());
    const count = (verdict: string) => Object.values(expected).filter((v) => v === verdict).length;
    expect(text).toMatch(new RegExp(`${count("up")} up .* ${count("degraded")} degraded .* ${count("down")} down`));
    for (const check of CHECKS.filter((c) => expected[c.checkId] !== "up")) expect(text).toContain(`${check.label} ${expected[check.checkId]}`);

    const incidents = await store.incidents({ from: new Date(T0).toISOString(), to: new Date(now + minute).toISOString() });
    const withIncident = Object.entries(expected).filter(([, v]) => v === "degraded" || v === "down").map(([id]) => id).sort();
    expect(incidents.map((i) => i.checkId).sort()).toEqual(withIncident);
    expect(incidents.every((i) => i.resolvedAt === undefined)).toBe(true);
  });
});
