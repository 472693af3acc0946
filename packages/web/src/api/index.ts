import { hc, type InferResponseType } from "hono/client";
// Type-only: the page talks to the API over HTTP; no server code enters the bundle.
import type { AppType } from "@probemesh/functions/api";

/**
 * The status page's client: `hc<AppType>` from hono/client, so paths, parameters, bodies and
 * answers are the API's own types (derived from its routes), not hand-written mirrors.
 */
type Client = ReturnType<typeof hc<AppType>>;
/** The 2xx body of one client call. */
type Ok<F> = F extends (...args: never[]) => unknown ? InferResponseType<F, 200> : never;

export type RegionInfo = Ok<Client["v1"]["regions"]["$get"]>["regions"][number];
export type CheckRow = Ok<Client["v1"]["checks"]["$get"]>["checks"][number];
export type RegionCell = CheckRow["regions"][string];
export type StatusResponse = Ok<Client["v1"]["status"]["$get"]>;
export type StatusRow = StatusResponse["checks"][number];
/** A maintenance window active for a check (alerts muted). */
export type MaintenanceWindowView = StatusRow["maintenance"][number];
export type Verdict = StatusRow["verdict"];
export type RegionState = CheckRow["regions"][string]["state"];
export type Status = RegionCell["status"];
export type Outcome = RegionCell["outcome"];
export type HistoryResponse = Ok<Client["v1"]["checks"][":id"]["history"]["$get"]>;
export type HistoryPoint = HistoryResponse["series"][number];
export type Bucket = HistoryResponse["bucket"];
export type OverviewResponse = Ok<Client["v1"]["overview"]["$get"]>;
export type OverviewHour = OverviewResponse["checks"][number]["regions"][string][number];
export type LatestRound = Ok<Client["v1"]["rounds"]["latest"]["$get"]>;
export type IncidentInfo = Ok<Client["v1"]["incidents"]["$get"]>["incidents"][number];
export type DriftSourceInfo = Ok<Client["v1"]["drift"]["$get"]>["sources"][number];
export type ProbeRecordResponse = InferResponseType<Client["v1"]["probes"][":id"]["$get"], 200>;
export type ProbeResult = ProbeRecordResponse["results"][number];
export type ProbeRequestBody = Parameters<Client["v1"]["probes"]["$post"]>[0]["json"];

/** An API answer that was not 2xx, carrying the API's `{ error: { code, message } }`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Where the API lives: `?api=` in the page URL wins, then
 * `<meta name="probemesh-api" content="…">`, else the page's own origin.
 */
export function resolveApiBase(pageUrl: string, metaContent: string | null | undefined): string {
  const fromQuery = new URL(pageUrl).searchParams.get("api");
  const chosen = (fromQuery ?? metaContent ?? "").trim();
  if (chosen === "") return new URL(pageUrl).origin;
  return new URL(chosen, pageUrl).toString().replace(/\/+$/, "");
}

/** The body of a 2xx answer as T, else an ApiError with the API's code and message. */
async function unwrap<T>(base: string, send: () => Promise<Response>): Promise<T> {
  let res: Response;
  try {
    res = await send();
  } catch (err) {
    throw new ApiError(0, "network", `cannot reach the API at ${base}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new ApiError(res.status, "bad_response", `the API answered ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? "http_" + res.status, error?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

/** A typed client for the routes the status page uses. */
export function createApi(base: string, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
  const api = hc<AppType>(base, { fetch: fetchImpl, headers: { accept: "application/json" } });
  const call = <T>(send: () => Promise<Response>) => unwrap<T>(base, send);
  return {
    regions: () => call<Ok<typeof api.v1.regions.$get>>(() => api.v1.regions.$get()).then((r) => r.regions),
    checks: () => call<Ok<typeof api.v1.checks.$get>>(() => api.v1.checks.$get()).then((r) => r.checks),
    status: () => call<StatusResponse>(() => api.v1.status.$get()),
    history: (checkId: string, query: { from: string; to: string; bucket: Bucket; region?: string }) =>
      call<HistoryResponse>(() => api.v1.checks[":id"].history.$get({ param: { id: encodeURIComponent(checkId) }, query })),
    /** Every check's hourly history of the window, for the first screen, in one request. */
    overview: (window: OverviewResponse["window"] = "24h") => call<OverviewResponse>(() => api.v1.overview.$get({ query: { window } })),
    /** When the latest round was evaluated; polled every second to know when to reload. */
    latestRound: () => call<LatestRound>(() => api.v1.rounds.latest.$get(undefined, { init: { cache: "no-store" } })),
    incidents: (query: { from?: string; to?: string }) =>
      call<Ok<typeof api.v1.incidents.$get>>(() => api.v1.incidents.$get({ query })).then((r) => r.incidents),
    startProbe: (json: ProbeRequestBody, token: string) =>
      call<InferResponseType<typeof api.v1.probes.$post, 202>>(() => api.v1.probes.$post({ json }, { headers: { accept: "application/json", authorization: `Bearer ${token}` } })),
    probe: (id: string) => call<ProbeRecordResponse>(() => api.v1.probes[":id"].$get({ param: { id: encodeURIComponent(id) } })),
    drift: () => call<Ok<typeof api.v1.drift.$get>>(() => api.v1.drift.$get()).then((r) => r.sources),
  };
}

/** The client returned by {@link createApi}. */
export type Api = ReturnType<typeof createApi>;
