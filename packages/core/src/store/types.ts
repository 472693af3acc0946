import type { Outcome, ProbeResult, Status } from "../result/index.js";

/**
 * The contract between the store (DynamoDB single table) and its users: the probe
 * handler, the scheduler, the API and the chat-ops worker. Implemented in ./index.ts.
 */

/** Per check × region state after consecutive-failure / recovery thresholds. */
export type RegionState = "up" | "down" | "unknown";
/** Cross-region verdict (DESIGN.md § Verdicts). */
export type Verdict = "up" | "degraded" | "down" | "unknown";

export interface LatestEntry {
  checkId: string;
  region: string;
  result: ProbeResult;
  state: RegionState;
  consecutiveFailures: number;
  consecutivePasses: number;
  /** When `state` last changed. */
  since: string;
}

export interface HistoryQuery {
  checkId: string;
  from: string;
  to: string;
  region?: string;
  bucket: "raw" | "1h" | "1d";
}

/** One rollup bucket (or, for `raw`, one result folded into the same shape). */
export interface HistoryBucket {
  region: string;
  start: string;
  bucket: "raw" | "1h" | "1d";
  counts: Record<Status, number>;
  outcomes: Partial<Record<Outcome, number>>;
  latency: { count: number; p50?: number; p95?: number; p99?: number; min?: number; max?: number };
}

export interface Incident {
  id: string;
  checkId: string;
  openedAt: string;
  resolvedAt?: string;
  /** Worst verdict seen while open. */
  verdict: Exclude<Verdict, "up" | "unknown">;
  regions: string[];
  outcomes: Partial<Record<Outcome, number>>;
}

export interface RegionHeartbeat {
  region: string;
  roundId: string;
  at: string;
  ok: boolean;
  error?: string;
  checks?: number;
}

export interface ProbeRequest {
  id: string;
  targets: string[];
  regions: string[];
  requestedBy: string;
  createdAt: string;
}

export interface ProbeRecord extends ProbeRequest {
  results: ProbeResult[];
  /** Regions that have reported so far. */
  done: string[];
}
