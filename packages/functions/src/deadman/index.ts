import type { RegionHeartbeat, Store } from "@probemesh/core/store";
import type { Alerter } from "../alerts/index.js";

/**
 * The dead man's switch: when no round has completed for 3 scheduler intervals, /healthz says so
 * and an alert goes out (locally from the API process's watch; on AWS a CloudWatch alarm on the
 * scheduler, see infra/schedule.ts, does the same from outside the code that stopped).
 */

/** Intervals without a completed round before the switch trips. */
export const DEADMAN_INTERVALS = 3;

export interface DeadmanState {
  tripped: boolean;
  /** The newest heartbeat of the configured regions (every round writes one per region); null before the first round. */
  lastRoundAt: string | null;
  /** Seconds without a round that trip the switch. */
  limitS: number;
}

/**
 * Whether the switch is tripped at `now`: the newest round of `regions` (or, before any, the
 * process start) is more than 3 intervals old.
 */
export function deadmanState(heartbeats: readonly RegionHeartbeat[], regions: readonly string[], now: Date, intervalS: number, startedAt: Date): DeadmanState {
  const lastRoundAt = heartbeats.filter((h) => regions.includes(h.region)).map((h) => h.at).sort().at(-1) ?? null;
  const limitS = DEADMAN_INTERVALS * intervalS;
  const since = lastRoundAt ? Date.parse(lastRoundAt) : startedAt.getTime();
  return { tripped: now.getTime() - since > limitS * 1000, lastRoundAt, limitS };
}

export interface DeadmanWatchOptions {
  store: Pick<Store, "heartbeats">;
  regions: readonly string[];
  intervalS: number;
  alert: Pick<Alerter, "deadman">;
  /** How often to look (default: every interval). */
  everyMs?: number;
  now?: () => Date;
  log?: (message: string) => void;
}

/**
 * Looks at the heartbeats on a timer and alerts when the switch trips and again when rounds
 * resume (each once: the alerter claims the transition in the store).
 */
export function startDeadmanWatch(options: DeadmanWatchOptions): { check(): Promise<DeadmanState>; stop(): void } {
  const now = options.now ?? (() => new Date());
  const startedAt = now();
  let trippedAt: string | null | undefined;
  const check = async () => {
    const state = deadmanState(await options.store.heartbeats(), options.regions, now(), options.intervalS, startedAt);
    if (state.tripped && trippedAt === undefined) {
      trippedAt = state.lastRoundAt;
      options.log?.(`dead man's switch: no round completed since ${state.lastRoundAt ?? "start-up"} (limit ${state.limitS} s)`);
      await options.alert.deadman({ kind: "deadman", ...state, at: now().toISOString() });
    } else if (!state.tripped && trippedAt !== undefined) {
      trippedAt = undefined;
      await options.alert.deadman({ kind: "deadman", ...state, at: now().toISOString() });
    }
    return state;
  };
  const timer = setInterval(() => {
    check().catch((error: Error) => options.log?.(`dead man's switch: ${error.message}`));
  }, options.everyMs ?? options.intervalS * 1000);
  timer.unref();
  return { check, stop: () => clearInterval(timer) };
}
