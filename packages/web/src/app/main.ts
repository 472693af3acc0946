import { ApiError, createApi, resolveApiBase, type CheckRow, type IncidentInfo, type OverviewResponse } from "../api/index.js";
import { checkTitle, filterChecks, formatAge, regionColumns } from "../view/index.js";
import { h, replaceChildren } from "./dom.js";
import { renderDrift } from "./drift.js";
import { HistoryDialog } from "./history.js";
import { renderIncidentTimeline } from "./incidents.js";
import { renderBanner, renderMatrix, renderRegions, renderSummary, type MatrixData } from "./matrix.js";
import { mountProbeForm } from "./probe.js";

/** The round marker is one small read: polling it twice a second shows a finished round well within 2 s. */
const POLL_MS = 500;
/** Ages ("round 42 s ago") and staleness move on without a new round, so repaint this often anyway. */
const REPAINT_MS = 30_000;
const INCIDENT_WINDOW_MS = 7 * 86_400_000;
const FOLDED_KEY = "probemesh.folded";

const meta = document.querySelector<HTMLMetaElement>('meta[name="probemesh-api"]');
const api = createApi(resolveApiBase(location.href, meta?.content));

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const matrixHost = byId<HTMLDivElement>("matrix-host");
const overallHost = byId<HTMLDivElement>("overall-host");
const regionsHost = byId<HTMLDivElement>("regions-host");
const summaryHost = byId<HTMLDivElement>("summary-host");
const updated = byId<HTMLParagraphElement>("updated");
const banner = byId<HTMLDivElement>("banner");
const incidentsHost = byId<HTMLDivElement>("incidents-host");
const driftHost = byId<HTMLDivElement>("drift-host");
const probeHost = byId<HTMLDivElement>("probe-host");
const filterText = byId<HTMLInputElement>("filter-text");
const filterProblems = byId<HTMLInputElement>("filter-problems");
const filterCount = byId<HTMLSpanElement>("filter-count");

let latest: MatrixData | undefined;
let latestIncidents: IncidentInfo[] = [];
let paintedRound: string | null | undefined;
let opener: HTMLElement | null = null;
let probeMounted = false;
const folded = new Set<string>(JSON.parse(sessionStorage.getItem(FOLDED_KEY) ?? "[]") as string[]);

const history = new HistoryDialog(byId<HTMLDialogElement>("history"), api, () => {
  if (location.hash.startsWith("#check=")) window.history.replaceState(null, "", location.pathname + location.search);
  // Return focus to the control that opened the dialog, even if a refresh replaced it meanwhile.
  const id = opener?.dataset.checkId;
  const again = id ? document.querySelector<HTMLElement>(`button.check-open[data-check-id="${CSS.escape(id)}"]`) : null;
  (again ?? opener)?.focus();
});

function openHistory(check: CheckRow): void {
  if (!latest) return;
  opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  window.history.replaceState(null, "", `#check=${encodeURIComponent(check.checkId)}`);
  history.open(check, regionColumns(latest.regions, latest.checks));
}

function openById(checkId: string): void {
  const check = latest?.checks.find((c) => c.checkId === checkId);
  if (check) openHistory(check);
}

function fold(product: string, isFolded: boolean): void {
  if (isFolded) folded.add(product);
  else folded.delete(product);
  sessionStorage.setItem(FOLDED_KEY, JSON.stringify([...folded]));
}

function paint(data: MatrixData, incidents: IncidentInfo[]): void {
  const now = Date.now();
  const active = document.activeElement as HTMLElement | null;
  const focusedId = active?.closest("#matrix") ? active.dataset.checkId : undefined;
  replaceChildren(overallHost, renderBanner(data));
  replaceChildren(regionsHost, renderRegions(data.regions, regionColumns(data.regions, data.checks), now));
  replaceChildren(summaryHost, renderSummary(data.status));
  const verdicts = new Map(data.status.checks.map((c) => [c.checkId, c.verdict]));
  const shown = filterChecks(data.checks, verdicts, { text: filterText.value, onlyProblems: filterProblems.checked });
  const filtered = shown.length !== data.checks.length;
  filterCount.textContent = filtered ? `${shown.length} of ${data.checks.length} checks` : "";
  replaceChildren(
    matrixHost,
    renderMatrix({ ...data, checks: shown }, now, { onOpen: openHistory, folded, onFold: fold, ...(filtered ? { emptyText: "No check matches the filter." } : {}) }),
  );
  if (focusedId) matrixHost.querySelector<HTMLElement>(`button.check-open[data-check-id="${CSS.escape(focusedId)}"]`)?.focus();
  const byCheck = new Map(data.checks.map((c) => [c.checkId, c]));
  replaceChildren(
    incidentsHost,
    renderIncidentTimeline(incidents, now, { fromMs: now - INCIDENT_WINDOW_MS, toMs: now }, {
      title: (id) => (byCheck.has(id) ? checkTitle(byCheck.get(id)!) : id),
      product: (id) => byCheck.get(id)?.product || "other",
      open: openById,
    }),
  );
  replaceChildren(updated, "Updated ", h("time", { datetime: data.status.generatedAt }, formatAge(data.status.generatedAt, now)));
  if (!probeMounted) {
    probeMounted = true;
    const products = [...new Set(data.checks.map((c) => c.product).filter((p): p is string => !!p))];
    // On-demand probes run in cloud regions only: an agent probes its own plan on its own schedule.
    const agents = new Set(data.regions.filter((r) => r.agent).map((r) => r.region));
    mountProbeForm(probeHost, api, regionColumns(data.regions, data.checks).filter((region) => !agents.has(region)), products);
  }
}

/** The overview is an addition: a page in front of an older API still shows everything else. */
async function overviewOrNothing(): Promise<OverviewResponse | undefined> {
  return api.overview("24h").catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  });
}

let loading: Promise<void> | undefined;
let loads = 0;
async function load(): Promise<void> {
  const mine = ++loads;
  try {
    const now = Date.now();
    // The bars follow the verdicts: a round's verdicts are on screen without waiting for the history.
    const overview = overviewOrNothing();
    const [regions, checks, status, incidents] = await Promise.all([
      api.regions(),
      api.checks(),
      api.status(),
      api.incidents({ from: new Date(now - INCIDENT_WINDOW_MS).toISOString(), to: new Date(now).toISOString() }),
    ]);
    // Drift notices are extra: an API without GET /v1/drift leaves them out.
    void api.drift().then((sources) => replaceChildren(driftHost, renderDrift(sources)), () => replaceChildren(driftHost));
    latest = { regions, checks, status, ...(latest?.overview ? { overview: latest.overview } : {}) };
    latestIncidents = incidents;
    paintedRound = status.evaluatedAt ?? null;
    banner.hidden = true;
    paint(latest, incidents);
    document.body.dataset.loaded = "true";
    document.body.dataset.round = paintedRound ?? "";
    const wanted = decodeURIComponent(location.hash.match(/^#check=(.+)$/)?.[1] ?? "");
    if (wanted && !byId<HTMLDialogElement>("history").open) openById(wanted);
    void overview.then((history) => {
      if (mine !== loads || !latest || !history) return;
      latest = { ...latest, overview: history };
      paint(latest, latestIncidents);
      document.body.dataset.history = history.evaluatedAt ?? "";
    }, () => {
      // The bars stay as they were; the next round's load asks again.
    });
  } catch (err) {
    banner.hidden = false;
    banner.textContent = err instanceof ApiError ? `The status API did not answer: ${err.message}` : `Could not load the status: ${String(err)}`;
  }
}

/** Loads once at a time; a call while one runs waits for it instead of starting another. */
function refresh(): Promise<void> {
  loading ??= load().finally(() => (loading = undefined));
  return loading;
}

/** Reloads when a newer round has been evaluated than the one on screen. */
async function poll(): Promise<void> {
  if (document.hidden || loading) return;
  try {
    const { evaluatedAt } = await api.latestRound();
    if (evaluatedAt !== paintedRound) await refresh();
  } catch {
    // The next full refresh reports an unreachable API in the banner.
  }
}

for (const control of [filterText, filterProblems]) {
  control.addEventListener("input", () => {
    if (latest) paint(latest, latestIncidents);
  });
}

void refresh();
setInterval(() => void poll(), POLL_MS);
setInterval(() => {
  if (!document.hidden) void refresh();
}, REPAINT_MS);
document.addEventListener("visibilitychange", () => void poll());
