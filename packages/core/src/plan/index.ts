import { getCatalog, isProduct, BUILTIN_PRODUCTS, type Catalog, type Component, type Requirement } from "../catalog/index.js";
import { checkIdOf, type Check } from "../check/index.js";
import type { Profile } from "../profile/index.js";
import { placeholdersOf, type Placeholder } from "../catalog/placeholders.js";

export { placeholdersOf, type Placeholder } from "../catalog/placeholders.js";

/** What to expand: one product (or the profile's products), a vendor geography, placeholder values. */
export interface PlanOptions {
  product?: string;
  geo?: string;
  set?: Record<string, string>;
  profile?: Profile;
  /** Plan against these catalogs instead of the built-in ones (e.g. an imported page). */
  catalogs?: Catalog[];
  /** Keep only catalog rows of these directions (an agent location's `directions`); default all. */
  directions?: ReadonlyArray<Requirement["direction"]>;
}

/** A requirement that cannot be probed until the named placeholder values or customer hosts are given. */
export interface Need {
  requirementId: string;
  label: string;
  missing: string[];
}

/** A requirement deliberately not probed, with the reason. */
export interface Skip {
  requirementId: string;
  reason: string;
}

export interface PlanResult {
  checks: Check[];
  needs: Need[];
  skipped: Skip[];
}

/** Unknown product or geography, or nothing to plan; the message lists the valid values. */
export class PlanError extends Error {
  override name = "PlanError";
}

const PROTOCOL_SCHEME = { tcp: "tcp", udp: "udp", icmp: "icmp", tls: "tls", https: "tls" } as const;

/**
 * Expands catalog × geo × placeholder values × customer hosts into probe-ready checks.
 * A placeholder without a value becomes a `needs` entry: a template is never probed literally.
 */
export function plan(opts: PlanOptions = {}): PlanResult {
  const profile = opts.profile;
  const catalogs = resolveCatalogs(opts);
  const geo = opts.geo ?? profile?.geo;
  const values: Record<string, string | string[]> = { ...profile?.hosts, ...profile?.set, ...opts.set };
  const result: PlanResult = { checks: [], needs: [], skipped: [] };

  for (const catalog of catalogs) {
    if (geo !== undefined && catalog.geos.length > 0 && !catalog.geos.includes(geo)) {
      throw new PlanError(`unknown geo "${geo}" for ${catalog.product} (valid: ${catalog.geos.join(", ")})`);
    }
    const effectiveGeo = catalog.geos.length > 0 ? (geo ?? catalog.defaultGeo) : undefined;
    for (const component of catalog.components) {
      for (const requirement of component.requirements) {
        if (opts.directions && !opts.directions.includes(requirement.direction)) continue;
        expandRequirement({ catalog, component, requirement, geo: effectiveGeo, values, profile }, result);
      }
    }
  }
  for (const target of profile?.targets ?? []) {
    const inUri = /[?&]expect=blocked\b/.test(target) ? "blocked" : undefined;
    const { expect, ...settings } = checkSettings(profile, undefined, undefined, target);
    const expectation = expect ?? inUri;
    result.checks.push({ checkId: checkIdOf("target", target), target, label: target, product: "custom", ...(expectation ? { expect: expectation } : {}), ...settings });
  }
  return result;
}

function resolveCatalogs(opts: PlanOptions): Catalog[] {
  const ids = opts.product !== undefined ? [opts.product] : (opts.profile?.products ?? []);
  if (opts.catalogs) {
    const wanted = ids.length ? opts.catalogs.filter((c) => ids.includes(c.product)) : opts.catalogs;
    if (ids.length && wanted.length < ids.length) {
      throw new PlanError(`unknown product "${ids.find((id) => !wanted.some((c) => c.product === id))}" (valid: ${opts.catalogs.map((c) => c.product).join(", ")})`);
    }
    return wanted;
  }
  if (ids.length === 0) {
    if (opts.profile?.targets?.length) return [];
    throw new PlanError(`no product given (valid: ${BUILTIN_PRODUCTS.join(", ")})`);
  }
  for (const id of ids) {
    if (!isProduct(id)) throw new PlanError(`unknown product "${id}" (valid: ${BUILTIN_PRODUCTS.join(", ")})`);
  }
  return ids.map((id) => getCatalog(id));
}

interface Expansion {
  catalog: Catalog;
  component: Component;
  requirement: Requirement;
  geo: string | undefined;
  values: Record<string, string | string[]>;
  profile: Profile | undefined;
}

function expandRequirement(x: Expansion, out: PlanResult): void {
  const { catalog, component, requirement: r } = x;
  const requirementId = `${catalog.product}/${r.id}`;
  const label = labelOf(catalog, component, r, r.destination);

  if (r.geos && !(x.geo && r.geos.includes(x.geo))) {
    const only = `applies to geo ${r.geos.join("/")} only`;
    out.skipped.push({ requirementId, reason: x.geo ? `${only} (planned geo: ${x.geo})` : `${only}; give --geo (valid: ${catalog.geos.join(", ")})` });
    return;
  }
  if (r.protocol !== "icmp" && r.port === undefined && r.portKey === undefined) {
    out.skipped.push({ requirementId, reason: "the page states no port" });
    return;
  }

  const missing = new Set<string>();
  const hosts = substitute(r.destination, placeholdersOf(r.destination), x, missing);
  const port = portOf(r, x.values, missing);
  if (missing.size > 0) {
    out.needs.push({ requirementId, label, missing: [...missing] });
    return;
  }
  for (const host of hosts) {
    if (isLoopback(host)) {
      out.skipped.push({ requirementId, reason: `loopback (${host}) on the ${component.name.toLowerCase()} machine itself: not reachable from a probe region` });
      continue;
    }
    if (host.includes("/")) {
      out.skipped.push({ requirementId, reason: `${host} is an address range, not a probe target` });
      continue;
    }
    const target = targetOf(r.protocol, host, port, r.portEnd);
    const { expect, ...settings } = checkSettings(x.profile, r.id, requirementId, target);
    out.checks.push({
      checkId: checkIdOf(catalog.product, r.id, target),
      target,
      label: labelOf(catalog, component, r, host, port),
      product: catalog.product,
      component: component.id,
      level: r.level,
      ...(r.condition ? { condition: r.condition } : {}),
      ...(expect ? { expect } : {}),
      ...settings,
    });
  }
}

/** Every combination of the destination's placeholder values (a customer host may list several addresses). */
function substitute(template: string, placeholders: Placeholder[], x: Expansion, missing: Set<string>): string[] {
  let hosts = [template];
  for (const ph of placeholders) {
    const value = valueOf(ph, x);
    if (value === undefined) {
      missing.add(ph.key);
      continue;
    }
    const options = Array.isArray(value) ? value : [value];
    hosts = hosts.flatMap((h) => options.map((o) => h.split(ph.token).join(o)));
  }
  return hosts;
}

function valueOf(ph: Placeholder, x: Expansion): string | string[] | undefined {
  const given = x.values[ph.key];
  if (given !== undefined) return given;
  if (ph.style === "brace" && (ph.key === "region" || ph.key === "geo")) return x.geo;
  return undefined;
}

function portOf(r: Requirement, values: Record<string, string | string[]>, missing: Set<string>): number | undefined {
  if (r.portKey === undefined) return r.port;
  const given = values[r.portKey];
  if (typeof given === "string" && /^\d{1,5}$/.test(given) && Number(given) <= 65535) return Number(given);
  if (given !== undefined) throw new PlanError(`${r.portKey}="${String(given)}" is not a port number`);
  if (r.portDefault !== undefined) return r.portDefault;
  missing.add(r.portKey);
  return undefined;
}

function targetOf(protocol: Requirement["protocol"], host: string, port: number | undefined, portEnd: number | undefined): string {
  const scheme = PROTOCOL_SCHEME[protocol];
  const authority = host.includes(":") ? `[${host}]` : host;
  if (scheme === "icmp" || port === undefined) return `${scheme}://${authority}`;
  return `${scheme}://${authority}:${portEnd !== undefined ? `${port}-${portEnd}` : port}`;
}

type CheckSettings = Pick<Check, "expect" | "retries" | "certMinDays" | "quorum" | "alertOn">;

/**
 * What the profile says about one check: its defaults (`retries`, `certMinDays`, `quorum`, `alertOn`),
 * then every expectation naming the requirement or the target, later ones winning. Only `blocked` is
 * recorded as an expectation (reachable is every check's default).
 */
function checkSettings(profile: Profile | undefined, id: string | undefined, requirementId: string | undefined, target: string): CheckSettings {
  if (!profile) return {};
  const settings: CheckSettings = {};
  if (profile.retries !== undefined) settings.retries = profile.retries;
  if (profile.certMinDays !== undefined && /^(tls|https):/.test(target)) settings.certMinDays = profile.certMinDays;
  if (profile.quorum !== undefined) settings.quorum = profile.quorum;
  if (profile.alertOn !== undefined) settings.alertOn = profile.alertOn;
  const named = (e: Profile["expectations"][number]) => (e.requirement !== undefined && (e.requirement === id || e.requirement === requirementId)) || e.target === target;
  for (const rule of profile.expectations.filter(named)) {
    if (rule.expect === "blocked") settings.expect = "blocked";
    if (rule.expect === "reachable") delete settings.expect;
    if (rule.quorum !== undefined) settings.quorum = rule.quorum;
    if (rule.alertOn !== undefined) settings.alertOn = rule.alertOn;
  }
  return settings;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function labelOf(catalog: Catalog, component: Component, r: Requirement, host: string, port: number | string | undefined = r.port ?? r.portKey): string {
  const where = r.protocol === "icmp" ? "icmp" : `${r.protocol}/${port ?? "?"}${r.portEnd ? `-${r.portEnd}` : ""}`;
  const what = r.use ? `${r.use}: ${host}` : host;
  return `${catalog.name} / ${component.name} → ${what} ${where} (${r.direction})`;
}
