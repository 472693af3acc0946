import { ApiError, createApi, resolveApiBase, type CheckRow } from "../api/index.js";
import { checkTitle, filterChecks, formatAge, regionColumns } from "../view/index.js";
import { h, replaceChildren } from "./dom.js";
import { renderDrift } from "./drift.js";
import { HistoryDialog } from "./history.js";
import { renderIncidents } from "./incidents.js";
import { renderMatrix, renderSummary, type MatrixData } from "./matrix.js";
import { mountProbeForm } from "./probe.js";

const REFRESH_MS = 15_000;
const INCIDENT_WINDOW_MS = 7 * 86_400_000;

const meta = document.querySelector<HTMLMetaElement>('meta[name="probemesh-api"]');
const api = createApi(resolveApiBase(location.href, meta?.content));

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const matrixHost = byId<HTMLDivElement>("matrix-host");
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
let latestIncidents: Awaited<ReturnType<typeof api.incidents>> = [];
let opener: HTMLElement | null = null;
let probeMounted = false;

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

function paint(data: MatrixData, incidents: Awaited<ReturnType<typeof api.incidents>>): void {
  const now = Date.now();
  const focusedId = (document.activeElement as HTMLElement | null)?.closest("#matrix")
    ? (document.activeElement as HTMLElement).dataset.checkId
    : undefined;
  replaceChildren(summaryHost, renderSummary(data.status));
  const verdicts = new Map(data.status.checks.map((c) => [c.checkId, c.verdict]));
  const shown = filterChecks(data.checks, verdicts, { text: filterText.value, onlyProblems: filterProblems.checked });
  const filtered = shown.length !== data.checks.length;
  filterCount.textContent = filtered ? `${shown.length} of ${data.checks.length} checks` : "";
  replaceChildren(
    matrixHost,
    renderMatrix({ ...data, checks: shown }, now, openHistory, filtered ? "No check matches the filter." : undefined),
  );
  if (focusedId) matrixHost.querySelector<HTMLElement>(`button.check-open[data-check-id="${CSS.escape(focusedId)}"]`)?.focus();
  const titles = new Map(data.checks.map((c) => [c.checkId, checkTitle(c)]));
  replaceChildren(
    incidentsHost,
    renderIncidents(incidents, now, { title: (id) => titles.get(id) ?? id, open: openById }),
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

async function refresh(): Promise<void> {
  try {
    const now = Date.now();
    const [regions, checks, status, incidents] = await Promise.all([
      api.regions(),
      api.checks(),
      api.status(),
      api.incidents({ from: new Date(now - INCIDENT_WINDOW_MS).toISOString(), to: new Date(now).toISOString() }),
    ]);
    // Drift notices are extra: an API without GET /v1/drift leaves them out.
    void api.drift().then((sources) => replaceChildren(driftHost, renderDrift(sources)), () => replaceChildren(driftHost));
    latest = { regions, checks, status };
    latestIncidents = incidents;
    banner.hidden = true;
    paint(latest, incidents);
    document.body.dataset.loaded = "true";
    const wanted = decodeURIComponent(location.hash.match(/^#check=(.+)$/)?.[1] ?? "");
    if (wanted && !byId<HTMLDialogElement>("history").open) openById(wanted);
  } catch (err) {
    banner.hidden = false;
    banner.textContent =
      err instanceof ApiError ? `The status API did not answer: ${err.message}` : `Could not load the status: ${String(err)}`;
  }
}

for (const control of [filterText, filterProblems]) {
  control.addEventListener("input", () => {
    if (latest) paint(latest, latestIncidents);
  });
}

void refresh();
setInterval(() => {
  if (!document.hidden) void refresh();
}, REFRESH_MS);
