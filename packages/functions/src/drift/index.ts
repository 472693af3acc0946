import { getCatalog, type Catalog } from "@probemesh/core/catalog";
import { builtinOverrides, driftError, driftOf, fetchWatchedPage, type DriftSource, type WatchSource } from "@probemesh/core/drift";
import type { Overrides } from "@probemesh/core/import";
import type { Store } from "@probemesh/core/store";
import { createDriftAlerter } from "../alerts/drift.js";
import type { Runtime } from "../runtime/index.js";

/**
 * The drift watch: each page of the profile's `watch` list is fetched, imported and compared with
 * the catalog in use; every check is stored, each distinct change once, and only a change stored
 * for the first time is alerted (so a daily run does not repeat yesterday's news).
 */
export interface DriftWatchDeps {
  watch: readonly WatchSource[];
  /** The catalog in use for a product (throws for an unknown one). */
  catalogOf(product: string): Catalog;
  /** How the catalog was made from its page (built-in products), if known. */
  overridesOf(product: string): Overrides | undefined;
  fetchPage(url: string): Promise<string>;
  store: Pick<Store, "recordDrift">;
  alert(source: DriftSource): Promise<void>;
  now(): Date;
  log?: (message: string) => void;
}

/** Checks every watched page once; one failing page does not stop the others. */
export async function watchDrift(deps: DriftWatchDeps): Promise<DriftSource[]> {
  const checked: DriftSource[] = [];
  for (const source of deps.watch) {
    let result: DriftSource;
    try {
      const page = await deps.fetchPage(source.url);
      const overrides = deps.overridesOf(source.product);
      result = driftOf(source, page, deps.catalogOf(source.product), { ...(overrides ? { overrides } : {}), now: deps.now() });
    } catch (error) {
      result = driftError(source, error, deps.now());
      deps.log?.(`drift: ${source.product} ${source.url}: ${result.error}`);
    }
    const news = await deps.store.recordDrift(result);
    if (news) await deps.alert(result);
    checked.push(result);
  }
  return checked;
}

/** The drift watch's dependencies from the composition root. */
export function driftDepsOf(runtime: Runtime): DriftWatchDeps {
  const watch = runtime.profile?.watch ?? [];
  const watchedHosts = [...new Set(watch.map((w) => new URL(w.url).hostname.replace(/^\[|\]$/g, "").toLowerCase()))];
  const { settings, store, guard } = runtime;
  return {
    watch,
    catalogOf: (product) => getCatalog(product),
    overridesOf: builtinOverrides,
    fetchPage: (url) => fetchWatchedPage(url, { watchedHosts, guard }),
    store,
    alert: createDriftAlerter({ store, policy: { allowedHosts: settings.webhookHosts }, ...settings.alerts }),
    now: () => new Date(),
    log: (message) => console.warn(message),
  };
}
