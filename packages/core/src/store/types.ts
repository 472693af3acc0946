import type { Check } from "../check/index.js";
import type { DriftSource } from "../drift/index.js";
import type { MaintenanceWindow } from "../maintenance/index.js";
import type { VerdictModel } from "../verdict/model.js";
import type { Outcome, ProbeResult, Status } from "../result/index.js";
import type { RegionCounters } from "./counters.js";

/**
 * The contract between the store (DynamoDB single table) and its users: the probe
 * handler, the scheduler, the API and the chat-ops worker. Implemented in ./index.ts.
 */

/** Per check × region state after consecutive-failure / recovery thresholds. */
export type RegionState = "up" | "down" | "unknown";
/** Cross-region verdict. */
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
  /** `at` of the newest passing result (absent before the first pass). */
  lastPassAt?: string;
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

/** Results of one check × region in one hour, by status (the overview's history bars). */
export interface HourlyCounts {
  checkId: string;
  region: string;
  /** Start of the hour (ISO). */
  start: string;
  counts: Record<Status, number>;
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
  /** False while its alert is held back (maintenance window, or `alertOn: quorum` below the quorum). */
  alerted?: boolean;
  /** Names of the maintenance windows it was opened inside. */
  maintenance?: string[];
  /** An expiring certificate (tls_cert_expiring): the fewest days left seen while open. */
  daysLeft?: number;
}

export interface RegionHeartbeat {
  region: string;
  roundId: string;
  at: string;
  ok: boolean;
  error?: string;
  checks?: number;
  /** An agent location's own probe interval: it goes stale after missing rounds of that interval. */
  intervalS?: number;
  /** An agent location's result batches waiting in its buffer (the API was unreachable). */
  buffered?: number;
  /** An agent location's result batches dropped since the agent started (its buffer was full). */
  dropped?: number;
  /** An agent location's heartbeat before this one (the API keeps it): a gap longer than the dead man's limit is a silence that ended. */
  previousAt?: string;
  /** Invocations the round was split into, and how many of them did not answer (their checks go stale). */
  shards?: number;
  failedShards?: number;
}

/** How the latest alert to one destination went (shown by /healthz). */
export interface AlertDelivery {
  destination: string;
  at: string;
  ok: boolean;
  /** What was sent: `incident.opened`, `incident.resolved`, `incident.reminder`, `deadman.tripped`… */
  event: string;
  attempts?: number;
  error?: string;
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

/** Per check × region state as the store keeps it after each result. */
export interface CheckVerdict {
  checkId: string;
  verdict: Verdict;
  /** State per probe region; `stale` = no fresh result/heartbeat (counts as unknown, never as down). */
  regions: Record<string, RegionState | "stale">;
  /** When `verdict` last changed (the first evaluation of a check counts as a change). */
  since?: string;
}

/** What one `writeResults` call did. */
export interface WriteSummary {
  /** Results accepted (after removing duplicates inside the call). */
  written: number;
  /** Duplicates inside the call (same checkId + at) that were dropped. */
  duplicates: number;
  /** DynamoDB items written for the raw results (one item carries many results). */
  rawItems: number;
  /** Hourly buckets closed (rolled up) by this call. */
  bucketsClosed: number;
  /** Region-state changes caused by this call (e.g. a check going down in this region). */
  transitions: Array<{ checkId: string; from: RegionState; to: RegionState; at: string }>;
}

export interface Thresholds {
  /** Consecutive failures that turn a region's check `down` (default 2). */
  fail: number;
  /** Consecutive passes that turn it back `up` (default 2). */
  recover: number;
}

export interface EvaluateOptions {
  now: Date;
  /** Probe regions that count for the verdict. */
  regions: string[];
  /** Failing regions that make a check `down` (default: majority of `regions`). */
  quorum?: number;
  /** A region whose newest heartbeat/result is older than this is `stale`. */
  staleAfterMs: number;
  /** The planned checks: their own `quorum` and `alertOn`, and what maintenance windows match on. */
  checks?: readonly Check[];
  /** The profile's maintenance windows (core/maintenance). */
  maintenance?: readonly MaintenanceWindow[];
  /** Whether a region's (or agent location's) plan holds a check (core/verdict `judgeChecks`); default all. */
  probes?: (checkId: string, region: string) => boolean;
  /** Whether a region counts for verdicts and quorum; default all. */
  counts?: (region: string) => boolean;
}

export interface EvaluateOutcome {
  verdicts: CheckVerdict[];
  /** Every incident opened or resolved by this evaluation (stored either way). */
  opened: Incident[];
  resolved: Incident[];
  /** The transitions to alert on: after `alertOn` and maintenance windows (core/verdict's stepIncident). */
  alerts: { opened: Incident[]; resolved: Incident[]; /** Alerted incidents still open (reminders). */ open: Incident[] };
}

/** The results store (the Results contract, § Verdicts, § Cost and scale). */
export interface Store {
  /**
   * Store one region's results of one round. Raw results are packed many per item;
   * idempotent per (checkId, region, at); updates latest + region state; closes finished
   * hourly/daily buckets. Throws `StoreWriteError` (retryable) if DynamoDB keeps refusing.
   */
  writeResults(region: string, roundId: string, results: ProbeResult[]): Promise<WriteSummary>;
  /** Latest result and state of every check in every region. */
  latest(): Promise<LatestEntry[]>;
  /** `latest()` and each region's cumulative probe counters (by kind × outcome, duration buckets), from one read. */
  snapshot(): Promise<{ latest: LatestEntry[]; counters: RegionCounters[] }>;
  /** History of one check: 1h/1d from closed rollups + the open bucket's raw items; raw from raw items. */
  history(q: HistoryQuery): Promise<HistoryBucket[]>;
  /** Hourly status counts of every check in `regions` for hours starting in [from, to) (closed rollups + open hours' raw items). */
  hourlyCounts(q: { regions: string[]; from: string; to: string }): Promise<HourlyCounts[]>;
  recordHeartbeat(h: RegionHeartbeat): Promise<void>;
  /** Latest heartbeat per region. */
  heartbeats(): Promise<RegionHeartbeat[]>;
  /** Keep how the latest alert to a destination went. */
  recordAlertDelivery(delivery: AlertDelivery): Promise<void>;
  /** The latest delivery per alert destination. */
  alertDeliveries(): Promise<AlertDelivery[]>;
  /** Cross-region verdicts for every known check; stores verdicts and incident transitions. */
  evaluate(opts: EvaluateOptions): Promise<EvaluateOutcome>;
  /** The verdict model the latest `evaluate` stored (undefined before the first); read it with core/verdict's `readVerdicts`. */
  verdicts(): Promise<VerdictModel | undefined>;
  /** When the verdict model was last evaluated (one small read; undefined before the first round). */
  evaluatedAt(): Promise<string | undefined>;
  /** Incidents that were open at any time in [from, to). */
  incidents(q: { from: string; to: string }): Promise<Incident[]>;
  createProbe(req: ProbeRequest): Promise<void>;
  /** Idempotent per (checkId, at) within the probe and region. */
  addProbeResults(id: string, region: string, results: ProbeResult[]): Promise<void>;
  getProbe(id: string): Promise<ProbeRecord | undefined>;
  /** True the first time `key` is claimed (until it expires), false afterwards. */
  claimOnce(key: string, ttlSeconds?: number): Promise<boolean>;
  /** Stores a watched page's check; true when its change (by fingerprint) was not stored before. */
  recordDrift(source: DriftSource): Promise<boolean>;
  /** The last check of every watched page. */
  driftSources(): Promise<DriftSource[]>;
  /** Count one hit in the current fixed window of `windowSeconds`; returns the count so far. */
  hit(key: string, windowSeconds: number): Promise<number>;
}
