import { describe, expect, it } from "vitest";
import { agentSilences, alertSilentAgents } from "./agents.js";

const T0 = Date.parse("2026-12-03T12:00:00.000Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

describe("agentSilences", () => {
  const beat = (region: string, atS: number, extra: Record<string, unknown> = {}) => ({ region, roundId: iso(atS), at: iso(atS), ok: true, intervalS: 60, ...extra });

  it("a location is silent after 3 of its own intervals without a heartbeat; cloud regions are the scheduler's switch", () => {
    const heartbeats = [beat("agent:dc-1", 0), beat("agent:dc-2", 0, { intervalS: 300 }), beat("us-east-1", 0)];
    expect(agentSilences(heartbeats, new Date(T0 + 180_000))).toEqual([]);
    expect(agentSilences(heartbeats, new Date(T0 + 181_000))).toEqual([{ region: "agent:dc-1", silent: true, lastRoundAt: iso(0), limitS: 180 }]);
    expect(agentSilences(heartbeats, new Date(T0 + 901_000)).map((s) => s.region)).toEqual(["agent:dc-1", "agent:dc-2"]);
  });

  it("back: the latest heartbeat came more than the limit after the one before it, until the next heartbeat", () => {
    expect(agentSilences([beat("agent:dc-1", 600, { previousAt: iso(0) })], new Date(T0 + 610_000))).toEqual([{ region: "agent:dc-1", silent: false, lastRoundAt: iso(0), limitS: 180 }]);
    expect(agentSilences([beat("agent:dc-1", 660, { previousAt: iso(600) })], new Date(T0 + 670_000))).toEqual([]);
  });
});

describe("alertSilentAgents", () => {
  it("announces each silence and each return through the alerter's dead man's switch, with the location named", async () => {
    const events: unknown[] = [];
    const store = { heartbeats: async () => [{ region: "agent:dc-1", roundId: "r", at: iso(0), ok: true, intervalS: 60 }] };
    await alertSilentAgents(store, { deadman: async (event) => void events.push(event) }, new Date(T0 + 200_000));
    expect(events).toEqual([{ kind: "deadman", region: "agent:dc-1", tripped: true, lastRoundAt: iso(0), limitS: 180, at: iso(200) }]);
  });
});
