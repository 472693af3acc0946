import { ApiError, type Api, type ProbeRecordResponse, type ProbeRequestBody, type ProbeResult } from "../api/index.js";
import { PRODUCT_IDS, formatLatency, outcomeText, productName, statusPresentation } from "../view/index.js";
import { detailFields } from "../view/detail.js";
import { h, icon, replaceChildren } from "./dom.js";

const POLL_MS = 700;
/** Where a token comes from, in one line: the form's help and its "token needed" answer both say it. */
export const TOKEN_HELP = "npm start prints a lab token (\"on-demand probe token: …\"); a deployment uses one of PROBEMESH_API_TOKENS.";
const GIVE_UP_MS = 120_000;

/** What the form asks for, before it becomes a request body. */
export interface ProbeFormValues {
  targets: string;
  product: string;
  geo: string;
  regions: string[];
  token: string;
}

/** Turns form values into a request body, or a sentence saying what is missing. */
export function probeRequestOf(values: ProbeFormValues): { body: ProbeRequestBody } | { problem: string } {
  const targets = values.targets.split(/[\s,]+/).filter((t) => t !== "");
  const product = values.product.trim();
  if (targets.length === 0 && product === "") return { problem: "Enter at least one target or choose a product." };
  if (targets.length > 0 && product !== "") return { problem: "Probe either targets or a product, not both." };
  if (values.regions.length === 0) return { problem: "Choose at least one probe region." };
  if (values.token.trim() === "") return { problem: `An API token is needed to start a probe. ${TOKEN_HELP}` };
  const body: ProbeRequestBody = { regions: values.regions };
  if (targets.length > 0) body.targets = targets;
  else {
    body.product = product;
    if (values.geo.trim() !== "") body.geo = values.geo.trim();
  }
  return { body };
}

function field(id: string, label: string, control: HTMLElement, help?: string): HTMLElement {
  if (help) control.setAttribute("aria-describedby", `${id}-help`);
  return h("div", { class: "field" }, h("label", { for: id }, label), control, help ? h("p", { class: "help", id: `${id}-help` }, help) : null);
}

/** A result's detail as labelled fields (addresses, TLS version, certificate, lab port…), never raw JSON. */
function resultFields(result: ProbeResult): HTMLElement | null {
  const { addresses, ...rest } = result.detail ?? {};
  const fields = detailFields(rest);
  // A name probed at every address: each address with its own outcome, the way the CLI and Slack say it.
  if (Array.isArray(addresses) && addresses.length > 1) {
    fields.unshift({ label: "Addresses", value: (addresses as Array<{ address?: string; outcome?: string }>).map((entry) => `${entry.address} ${entry.outcome ?? "not scanned"}`).join(", ") });
  } else if (result.remoteAddress) fields.unshift({ label: "Address", value: result.remoteAddress });
  if (fields.length === 0) return null;
  return h("dl", { class: "facts" }, fields.map((field) => h("div", {}, h("dt", {}, field.label), h("dd", {}, field.value))));
}

function renderRecord(record: ProbeRecordResponse, gaveUp: boolean): HTMLElement[] {
  const progress = h(
    "ul",
    { class: "probe-progress", "aria-label": "Regions" },
    record.regions.map((region) => {
      const done = record.done.includes(region);
      const count = record.results.filter((r) => r.region === region).length;
      const tone = done ? "pass" : gaveUp ? "fail" : "none";
      const text = done ? `done · ${count} result${count === 1 ? "" : "s"}` : gaveUp ? "no answer" : "waiting…";
      return h("li", { class: `badge tone-${tone}`, "data-region": region, "data-done": String(done) }, icon(done ? "✓" : gaveUp ? "✕" : "…"), `${region}: ${text}`);
    }),
  );
  const rows = [...record.results].sort((a, b) => a.region.localeCompare(b.region) || a.target.localeCompare(b.target));
  const list =
    rows.length === 0
      ? h("p", { class: "muted" }, "No results yet.")
      : h(
          "ul",
          { class: "probe-results", "aria-label": "Results" },
          rows.map((result) => {
            const look = statusPresentation(result.status);
            return h(
              "li",
              { class: `probe-result tone-edge-${look.tone}`, "data-region": result.region, "data-status": result.status },
              h(
                "p",
                { class: "probe-result-head" },
                h("span", { class: `badge tone-${look.tone}` }, icon(look.icon), look.text),
                h("span", { class: "probe-region" }, result.region),
                h("code", {}, result.target),
                h("span", {}, `${outcomeText(result.outcome, result.detail)} · ${formatLatency(result.durationMs)}`),
              ),
              resultFields(result),
            );
          }),
        );
  const state = record.pending.length === 0 ? "Every region has answered." : gaveUp ? `Stopped waiting for ${record.pending.join(", ")}.` : `Waiting for ${record.pending.join(", ")}…`;
  return [h("p", { class: "probe-state" }, h("strong", {}, `Probe ${record.id}`), ` — ${state}`), progress, list];
}

/**
 * The on-demand probe form: posts to /v1/probes with the bearer token, then polls
 * /v1/probes/:id and shows each region's results as they arrive.
 */
export function mountProbeForm(container: HTMLElement, api: Api, regions: string[], products: string[]): void {
  const targets = h("textarea", { id: "probe-targets", name: "targets", rows: 2, spellcheck: "false", placeholder: "tcp://example.internal:443  https://api.example.com/health" });
  const productOptions = [...new Set([...PRODUCT_IDS, ...products])].sort();
  const product = h(
    "select",
    { id: "probe-product", name: "product" },
    h("option", { value: "" }, "— none: probe the targets above —"),
    productOptions.map((id) => h("option", { value: id }, productName(id))),
  );
  const geo = h("input", { id: "probe-geo", name: "geo", type: "text", autocomplete: "off", placeholder: "us" });
  const token = h("input", { id: "probe-token", name: "token", type: "password", autocomplete: "off", required: true });
  const regionBoxes = regions.map((region) => h("input", { type: "checkbox", name: "region", value: region, id: `probe-region-${region}`, checked: true }));
  const error = h("p", { id: "probe-error", class: "form-error", role: "alert" });
  const submit = h("button", { type: "submit", class: "primary" }, "Run probe");
  const output = h("div", { id: "probe-output", "aria-live": "polite" });
  let run = 0;

  const form = h(
    "form",
    { id: "probe-form", novalidate: true },
    field("probe-targets", "Targets", targets, "One or more target URIs (tcp://, tls://, https://, dns://, udp://), separated by spaces or new lines."),
    h("div", { class: "field-row" }, field("probe-product", "Or a product", product), field("probe-geo", "Vendor geography", geo, "Only with a product, e.g. us or eu.")),
    h(
      "fieldset",
      { class: "regions" },
      h("legend", {}, "Probe regions"),
      regions.map((region, i) => h("label", { for: `probe-region-${region}`, class: "check" }, regionBoxes[i]!, region)),
    ),
    h("div", { class: "field-row" }, field("probe-token", "API token", token, `${TOKEN_HELP} It is not stored.`)),
    h("div", { class: "actions" }, submit),
    error,
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = probeRequestOf({
      targets: targets.value,
      product: product.value,
      geo: geo.value,
      regions: regionBoxes.filter((box) => box.checked).map((box) => box.value),
      token: token.value,
    });
    if ("problem" in request) {
      error.textContent = request.problem;
      return;
    }
    error.textContent = "";
    const mine = ++run;
    submit.disabled = true;
    replaceChildren(output, h("p", { class: "muted" }, "Starting probe…"));
    void (async () => {
      try {
        const { id } = await api.startProbe(request.body, token.value.trim());
        const started = Date.now();
        for (;;) {
          const record = await api.probe(id);
          if (mine !== run) return;
          const gaveUp = record.pending.length > 0 && Date.now() - started > GIVE_UP_MS;
          replaceChildren(output, renderRecord(record, gaveUp));
          if (record.pending.length === 0 || gaveUp) break;
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        }
      } catch (err) {
        if (mine !== run) return;
        const hint = err instanceof ApiError && err.status === 401 ? ` ${TOKEN_HELP}` : "";
        error.textContent = err instanceof ApiError ? `${err.message} (${err.status === 0 ? err.code : err.status}).${hint}` : String(err);
        replaceChildren(output);
      } finally {
        if (mine === run) submit.disabled = false;
      }
    })();
  });

  replaceChildren(container, form, output);
}
