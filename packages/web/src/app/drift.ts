import type { DriftSourceInfo } from "../api/index.js";
import { h } from "./dom.js";

/** What one notice says: which product's page changed, when it was checked, and the changes. */
export interface DriftNotice {
  product: string;
  title: string;
  url: string;
  lines: string[];
}

/** One notice per product whose watched page changed (pages checked without change say nothing). */
export function driftNotices(sources: readonly DriftSourceInfo[]): DriftNotice[] {
  const byProduct = new Map<string, DriftNotice>();
  for (const s of sources) {
    if (!s.changed || byProduct.has(s.product)) continue;
    const counts = [`${s.added.length} added`, `${s.removed.length} removed`, `${s.modified.length} modified`].join(", ");
    byProduct.set(s.product, {
      product: s.product,
      title: `The ${s.product} requirements page changed (${counts}; checked ${s.checkedAt.slice(0, 16).replace("T", " ")} UTC)`,
      url: s.url,
      lines: [
        ...s.added.map((e) => `+ ${e.summary}`),
        ...s.removed.map((e) => `− ${e.summary}`),
        ...s.modified.map((e) => `~ ${e.summary}: ${e.changes.map((c) => `${c.field} ${String(c.old ?? "—")} → ${String(c.new ?? "—")}`).join(", ")}`),
      ],
    });
  }
  return [...byProduct.values()];
}

/** The notices as elements (none: an empty fragment). */
export function renderDrift(sources: readonly DriftSourceInfo[]): HTMLElement {
  return h(
    "div",
    {},
    driftNotices(sources).map((n) =>
      h(
        "div",
        { class: "drift-notice", role: "status", "data-product": n.product },
        h("strong", {}, n.title),
        " ",
        h("a", { href: n.url, rel: "noreferrer" }, "vendor page"),
        h("ul", {}, n.lines.slice(0, 8).map((line) => h("li", {}, line)), n.lines.length > 8 ? h("li", {}, `… ${n.lines.length - 8} more`) : null),
      ),
    ),
  );
}
