import type { Check } from "@probemesh/core/check";
import { createGuard, DEFAULT_POLICY } from "@probemesh/core/guard";
import type { ProbeResult } from "@probemesh/core/result";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import type { AppDeps } from "../../packages/functions/src/api/index.js";
import type { ProbeInvocation } from "../../packages/functions/src/invoke/payloads.js";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

export const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

export const CHECKS: Check[] = [
  { checkId: "kong-cp", target: "tls://eu.api.konghq.com:443", label: "Kong Konnect / control plane", product: "kong-konnect", component: "hostnames", level: "required" },
  { checkId: "sdm-app", target: "tcp://app.strongdm.com:443", label: "StrongDM / app", product: "strongdm", component: "client", level: "required" },
];

/** A store on its own table in the test run's DynamoDB Local. */
export async function freshStore(now?: () => Date): Promise<Store> {
  const client = dynamoClient();
  const tableName = uniqueTableName("api");
  await ensureTable(client, tableName, { timeToLive: false });
  return createStore({ client, tableName, ...(now ? { now } : {}) });
}

export function result(checkId: string, region: string, at: string, ok: boolean, durationMs = 42): ProbeResult {
  const check = CHECKS.find((c) => c.checkId === checkId);
  return {
    checkId,
    target: check?.target ?? `tcp://${checkId}.example:443`,
    kind: "tcp",
    region,
    at,
    status: ok ? "pass" : "fail",
    outcome: ok ? "ok" : "tcp_refused",
    durationMs,
    phases: { connectMs: durationMs },
    ...(ok ? {} : { detail: { labNote: "refused" } }),
  };
}

/** App dependencies around a real store; dispatched probes are recorded for the test to inspect. */
export function deps(store: Store, overrides: Partial<AppDeps> = {}): AppDeps & { dispatched: ProbeInvocation[] } {
  const dispatched: ProbeInvocation[] = [];
  return {
    store,
    regions: REGIONS,
    apiTokens: [],
    checks: () => CHECKS,
    planProduct: (product) => {
      if (product !== "kong-konnect") throw new Error(`unknown product "${product}"`);
      return [CHECKS[0]!];
    },
    dispatchProbe: async (invocation) => {
      dispatched.push(invocation);
    },
    guard: createGuard(DEFAULT_POLICY),
    staleAfterMs: 150_000,
    dispatched,
    ...overrides,
  };
}
