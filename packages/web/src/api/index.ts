import type {
  ApiErrorBody,
  Bucket,
  CheckRow,
  DriftSourceInfo,
  HistoryResponse,
  IncidentInfo,
  LatestRound,
  OverviewResponse,
  ProbeRecordResponse,
  ProbeRequestBody,
  RegionInfo,
  StatusResponse,
} from "./types.js";

export type * from "./types.js";

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

/** A typed client for the routes the status page uses. */
export function createApi(base: string, fetchImpl: typeof fetch = (...a) => fetch(...a)) {
  async function call<T>(path: string, init?: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetchImpl(base + path, { ...init, headers: { accept: "application/json", ...init?.headers } });
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
      const error = (body as Partial<ApiErrorBody> | undefined)?.error;
      throw new ApiError(res.status, error?.code ?? "http_" + res.status, error?.message ?? `HTTP ${res.status}`);
    }
    return body as T;
  }
  const qs = (params: Record<string, string | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, value);
    const text = search.toString();
    return text === "" ? "" : "?" + text;
  };

  return {
    regions: () => call<{ regions: RegionInfo[] }>("/v1/regions").then((r) => r.regions),
    checks: () => call<{ checks: CheckRow[] }>("/v1/checks").then((r) => r.checks),
    status: () => call<StatusResponse>("/v1/status"),
    history: (checkId: string, q: { from: string; to: string; bucket: Bucket; region?: string }) =>
      call<HistoryResponse>(`/v1/checks/${encodeURIComponent(checkId)}/history` + qs(q)),
    /** Every check's hourly history of the window, for the first screen, in one request. */
    overview: (window: OverviewResponse["window"] = "24h") => call<OverviewResponse>("/v1/overview" + qs({ window })),
    /** When the latest round was evaluated; polled every second to know when to reload. */
    latestRound: () => call<LatestRound>("/v1/rounds/latest", { cache: "no-store" }),
    incidents: (q: { from?: string; to?: string }) =>
      call<{ incidents: IncidentInfo[] }>("/v1/incidents" + qs(q)).then((r) => r.incidents),
    startProbe: (body: ProbeRequestBody, token: string) =>
      call<{ id: string }>("/v1/probes", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      }),
    probe: (id: string) => call<ProbeRecordResponse>(`/v1/probes/${encodeURIComponent(id)}`),
    drift: () => call<{ sources: DriftSourceInfo[] }>("/v1/drift").then((r) => r.sources),
  };
}

/** The client returned by {@link createApi}. */
export type Api = ReturnType<typeof createApi>;
