import type { ProbeResult } from "@probemesh/core/result";
import { describe, expect, it } from "vitest";
import { outcomeMrkdwn, regionUpdateMessage } from "./blocks.js";

const result = (outcome: ProbeResult["outcome"], detail?: Record<string, unknown>): ProbeResult => ({
  checkId: "c",
  target: "tls://api.lab.test:443",
  kind: "tls",
  region: "eu-west-1",
  at: "2026-01-01T00:00:00.000Z",
  status: outcome === "ok" ? "pass" : "fail",
  outcome,
  durationMs: 12,
  phases: {},
  ...(detail ? { detail } : {}),
});

describe("outcomeMrkdwn", () => {
  it("says how many days an expiring certificate has left", () => {
    expect(outcomeMrkdwn(result("tls_cert_expiring", { daysLeft: 5 }))).toBe("`tls_cert_expiring` (5 days left)");
    expect(outcomeMrkdwn(result("tls_cert_expiring", { daysLeft: 1 }))).toBe("`tls_cert_expiring` (1 day left)");
    expect(outcomeMrkdwn(result("tcp_timeout"))).toBe("`tcp_timeout`");
  });

  it("is what a region's update lists for a failing result", () => {
    const message = regionUpdateMessage("eu-west-1", [result("tls_cert_expiring", { daysLeft: 3 })], []);
    expect(JSON.stringify(message.blocks)).toContain("`tls_cert_expiring` (3 days left)");
  });
});
