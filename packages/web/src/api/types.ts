import type { Outcome, ProbeResult, Status } from "@probemesh/core/result";

/**
 * Response shapes of the probemesh HTTP API as the status page consumes them
 *. Type-only: the page talks to the API over HTTP and never
 * imports server code.
 */

export type { Outcome, ProbeResult, Status };

/** Per check × region state after the failure / recovery thresholds. */
export type RegionState = "up" | "down" | "unknown";
/** Cross-region verdict. */
export type Verdict = "up" | "degraded" | "down" | "unknown";

export interface RegionInfo {
  region: string;
  /** Null before the region's first round. */
  lastRoundAt: string | null;
  ok: boolean;
  stale: boolean;
  error?: string;
  /** An agent location (`probemesh agent`, region `agent:<name>`), not a cloud region. */
  agent?: boolean;
  /** An agent's result batches waiting to be sent (the API was unreachable). */
  buffered?: number;
}

export interface RegionCell {
  status: Status;
  outcome: Outcome;
  durationMs: number;
  at: string;
  state: RegionState;
  since: string;
  detail?: Record<string, unknown> | null;
}

export interface CheckRow {
  checkId: string;
  label?: string | null;
  product?: string | null;
  component?: string | null;
  level?: string | null;
  target: string;
  regions: Record<string, RegionCell>;
}

export interface StatusRow {
  checkId: string;
  label?: string | null;
  product?: string | null;
  component?: string | null;
  verdict: Verdict;
  regions: Record<string, RegionState>;
  /** Maintenance windows active for the check (alerts muted); absent from older APIs. */
  maintenance?: MaintenanceWindowView[];
}

/** An active maintenance window as GET /v1/status reports it. */
export interface MaintenanceWindowView {
  name: string;
  startedAt: string;
  endsAt: string;
  regions?: string[];
  checks?: number;
}

export interface StatusResponse {
  generatedAt: string;
  /** When the verdicts were evaluated (the round marker /v1/rounds/latest returns). */
  evaluatedAt?: string | null;
  checks: StatusRow[];
  summary: Record<Verdict, number>;
  maintenance?: MaintenanceWindowView[];
}

export type Bucket = "raw" | "1h" | "1d";

export interface HistoryPoint {
  region: string;
  start: string;
  bucket: Bucket;
  counts: Record<Status, number>;
  outcomes: Partial<Record<Outcome, number>>;
  latency: { count: number; p50?: number; p95?: number; p99?: number; min?: number; max?: number };
}

export interface HistoryResponse {
  checkId: string;
  bucket: Bucket;
  from: string;
  to: string;
  series: HistoryPoint[];
}

export interface IncidentInfo {
  id: string;
  checkId: string;
  openedAt: string;
  resolvedAt?: string | null;
  verdict: Verdict;
  regions: string[];
  outcomes: Partial<Record<Outcome, number>>;
  /** Maintenance windows it was opened inside (its alert was held back). */
  maintenance?: string[];
  /** An expiring certificate: the fewest days left. */
  daysLeft?: number;
}

export interface ProbeRequestBody {
  targets?: string[];
  product?: string;
  geo?: string;
  regions?: string[];
}

export interface ProbeRecordResponse {
  id: string;
  targets: string[];
  regions: string[];
  requestedBy: string;
  createdAt: string;
  results: ProbeResult[];
  done: string[];
  pending: string[];
}

export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** One requirement in a drift report (GET /v1/drift). */
export interface DriftEntryInfo {
  id: string;
  component: string;
  summary: string;
}

/** The last check of one watched vendor page (GET /v1/drift). */
export interface DriftSourceInfo {
  product: string;
  url: string;
  checkedAt: string;
  changed: boolean;
  added: DriftEntryInfo[];
  removed: DriftEntryInfo[];
  modified: (DriftEntryInfo & { changes: { field: string; old: unknown; new: unknown }[] })[];
  error?: string;
}

/** One hour of one check × region in the overview: [pass, fail, inconclusive], or null when nothing ran. */
export type OverviewHour = [number, number, number] | null;

/** GET /v1/overview: every check's hourly history per region on one grid of hours. */
export interface OverviewResponse {
  generatedAt: string;
  evaluatedAt: string | null;
  window: "24h" | "48h" | "7d";
  bucket: "1h";
  /** Hour starts, oldest first; every check × region array lines up with it. */
  hours: string[];
  regions: string[];
  checks: { checkId: string; regions: Record<string, OverviewHour[]> }[];
}

/** GET /v1/rounds/latest. */
export interface LatestRound {
  evaluatedAt: string | null;
}
