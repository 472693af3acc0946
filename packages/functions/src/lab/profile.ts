import { getCatalog, type Catalog, type BuiltinProduct } from "@probemesh/core/catalog";
import type { Check } from "@probemesh/core/check";
import { plan } from "@probemesh/core/plan";

/**
 * The lab's default picture: all five built-in products, each planned from its built-in
 * catalog with placeholder values and, for Kong and StrongDM, the vendor geographies
 * PROBEMESH_LAB_GEOS picks. Customer hosts get `.lab.example` names (RFC 2606: never a real
 * host), which only the lab DNS answers.
 */
export const LAB_PLANS: ReadonlyArray<{ product: BuiltinProduct; set: Record<string, string> }> = [
  {
    product: "kong-konnect",
    set: {
      CONTROL_PLANE_ID: "cp0",
      PORTAL_ID: "portal0",
      CONTROL_PLANE_DNS_PREFIX: "lab0",
      "control-plane": "kong-cp.lab.example",
    },
  },
  {
    product: "strongdm",
    set: {
      gateway: "sdm-gateway.lab.example",
      resource: "postgres.lab.example",
      "resource-port": "5432",
      "secret-stores": "vault.lab.example",
      "secret-stores-port": "8200",
      "client-port": "65240",
    },
  },
  {
    product: "auth0-private-cloud",
    set: {
      node: "auth0-node.lab.example",
      "load-balancer": "auth0-lb.lab.example",
      "cli-host": "auth0-cli.lab.example",
      "dns-server": "dns.lab.example",
      "smtp-relay": "smtp.lab.example",
    },
  },
  {
    product: "auth0-appliance",
    set: { node: "auth0-appliance.lab.example" },
  },
  {
    product: "circleci-server",
    set: {
      "services-machine": "circleci.lab.example",
      "nomad-clients": "nomad.lab.example",
      github: "github.lab.example",
      "aws-api-endpoints": "aws-api.lab.example",
      "postgresql-servers": "postgres.lab.example",
      "mongodb-servers": "mongo.lab.example",
      "rabbitmq-servers": "rabbitmq.lab.example",
      "redis-servers": "redis.lab.example",
      "nomad-servers": "nomad-server.lab.example",
      "cloudwatch-endpoints": "cloudwatch.lab.example",
      "cloud-storage-provider": "storage.lab.example",
      "internal-dns-server": "dns.lab.example",
    },
  },
];

/** Vendor geographies per product (PROBEMESH_LAB_GEOS); a product left out keeps its default. */
export type LabGeos = Readonly<Record<string, readonly string[]>>;

/** Kong has no default geography of its own; the lab shows eu. StrongDM's own default is us. */
export const DEFAULT_LAB_GEOS: LabGeos = { "kong-konnect": ["eu"], strongdm: ["us"] };

/** One catalog row (requirement) in one planned geography: the checks it became, or why none. */
export interface LabRow {
  requirementId: string;
  geo?: string;
  checkIds: string[];
  /** Why the row (or some of its hosts) is not probed: plan skips, missing values, what the lab cannot stand in for. */
  skipped: string[];
}

export interface LabPlan {
  /** Every planned check once (a check several rows or geographies share is probed once). */
  checks: Check[];
  /** Every row of every built-in catalog, for every planned geography of its product. */
  rows: LabRow[];
}

/** Expands LAB_PLANS row by row with the real `plan()`, so each row says what became of it. */
export function labPlan(geos: LabGeos = {}): LabPlan {
  const out: LabPlan = { checks: [], rows: [] };
  const seen = new Set<string>();
  for (const { product, set } of LAB_PLANS) {
    const catalog = getCatalog(product);
    const planned = catalog.geos.length > 0 ? (geos[product] ?? DEFAULT_LAB_GEOS[product] ?? [undefined]) : [undefined];
    for (const geo of planned) {
      for (const { requirementId, checks, skipped } of planRows(catalog, set, geo)) {
        for (const check of checks) {
          if (seen.has(check.checkId)) continue;
          seen.add(check.checkId);
          out.checks.push(check);
        }
        out.rows.push({ requirementId, ...(geo ? { geo } : {}), checkIds: checks.map((c) => c.checkId), skipped });
      }
    }
  }
  return out;
}

/** Plans one row at a time (a catalog holding that row only), so every check and skip is traced to its row. */
function planRows(catalog: Catalog, set: Record<string, string>, geo: string | undefined) {
  return catalog.components.flatMap((component) =>
    component.requirements.map((requirement) => {
      const one: Catalog = { ...catalog, components: [{ ...component, requirements: [requirement] }] };
      const result = plan({ product: catalog.product, catalogs: [one], set, ...(geo ? { geo } : {}) });
      const skipped = [
        ...result.skipped.map((skip) => skip.reason),
        ...result.needs.map((need) => `needs ${need.missing.join(", ")}`),
      ];
      return { requirementId: `${catalog.product}/${requirement.id}`, checks: result.checks, skipped };
    }),
  );
}
