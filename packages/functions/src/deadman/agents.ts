import { isAgentRegion } from "@probemesh/core/agent";
import type { RegionHeartbeat, Store } from "@probemesh/core/store";
import type { Alerter } from "../alerts/index.js";
import { DEADMAN_INTERVALS } from "./index.js";

/**
 * The dead man's switch of agent locations: a `probemesh agent` that stops reporting (its host is down, its
 * network cut, its token revoked) would otherwise only turn its column stale on the page. A location is silent
 * when its latest heartbeat is more than 3 of its own intervals old, and back once a heartbeat arrives after
 * such a gap (the API keeps the heartbeat before each one in `previousAt`, so no one has to remember the
 * silence). A location that never reported has nothing to miss: the page lists it as not reporting.
 */

/** One agent location that is silent now, or whose latest heartbeat ended a silence. */
export interface AgentSilence {
  region: string;
  /** Silent now (true), or back after a silence (false). */
  silent: boolean;
  /** The heartbeat the silence began after: the latest one while silent, `previousAt` once back. */
  lastRoundAt: string;
  /** Seconds without a heartbeat that make the location silent (3 × its interval). */
  limitS: number;
}

/** The agent locations that are silent at `now`, or whose latest heartbeat came after a silence. */
export function agentSilences(heartbeats: readonly RegionHeartbeat[], now: Date): AgentSilence[] {
  return heartbeats.flatMap((heartbeat): AgentSilence[] => {
    if (!isAgentRegion(heartbeat.region) || !heartbeat.intervalS) return [];
    const limitS = DEADMAN_INTERVALS * heartbeat.intervalS;
    const gapS = (from: string, to: number) => (to - Date.parse(from)) / 1000;
    if (gapS(heartbeat.at, now.getTime()) > limitS) return [{ region: heartbeat.region, silent: true, lastRoundAt: heartbeat.at, limitS }];
    if (heartbeat.previousAt && gapS(heartbeat.previousAt, Date.parse(heartbeat.at)) > limitS) {
      return [{ region: heartbeat.region, silent: false, lastRoundAt: heartbeat.previousAt, limitS }];
    }
    return [];
  });
}

/**
 * Alerts every silent location and every one that is back (the scheduler calls this each round). Each
 * silence alerts once and its end once: the alerter claims each by the location and the heartbeat the
 * silence began after, so calling it every round sends nothing twice.
 */
export async function alertSilentAgents(store: Pick<Store, "heartbeats">, alert: Pick<Alerter, "deadman">, now: Date): Promise<AgentSilence[]> {
  const silences = agentSilences(await store.heartbeats(), now);
  await Promise.all(
    silences.map(({ region, silent, lastRoundAt, limitS }) => alert.deadman({ kind: "deadman", region, tripped: silent, lastRoundAt, limitS, at: now.toISOString() })),
  );
  return silences;
}
