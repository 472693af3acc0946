import type { Check } from "@probemesh/core/check";
import { plan, type Need, type Skip } from "@probemesh/core/plan";

/**
 * The lab's default picture: four products, each planned from the built-in catalogs with its
 * own vendor geography and placeholder values. Customer hosts get `.lab.example` names
 * (RFC 2606: never a real host), which only the lab DNS answers.
 */
export const LAB_PLANS: ReadonlyArray<{ product: string; geo?: string; set: Record<string, string> }> = [
  {
    product: "kong-konnect",
    geo: "eu",
    set: {
      CONTROL_PLANE_ID: "cp0",
      PORTAL_ID: "portal0",
      CONTROL_PLANE_DNS_PREFIX: "lab0",
      "control-plane": "kong-cp.lab.example",
    },
  },
  {
    product: "strongdm",
    geo: "us",
    set: {
      gateway: "sdm-gateway.lab.example",
      resource: "postgres.lab.example",
      "resource-port": "5432",
      "secret-stores": "vault.lab.example",
      "secret-stores-port": "8200",
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

export interface LabPlan {
  checks: Check[];
  needs: Need[];
  skipped: Skip[];
}

/** Expands LAB_PLANS with the real `plan()`; the same check appearing twice is probed once. */
export function labPlan(): LabPlan {
  const out: LabPlan = { checks: [], needs: [], skipped: [] };
  const seen = new Set<string>();
  for (const { product, geo, set } of LAB_PLANS) {
    const planned = plan({ product, set, ...(geo ? { geo } : {}) });
    for (const check of planned.checks) {
      if (seen.has(check.checkId)) continue;
      seen.add(check.checkId);
      out.checks.push(check);
    }
    out.needs.push(...planned.needs);
    out.skipped.push(...planned.skipped);
  }
  return out;
}
