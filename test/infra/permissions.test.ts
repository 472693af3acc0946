import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  TABLE_DELETE_ACTION,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
  SPOOL_ACTIONS,
  apiGrants,
  chatopsGrants,
  chatopsWorkerGrants,
  driftGrants,
  probeGrants,
  schedulerGrants,
  type Grant,
} from "../../infra/permissions.js";

const table = "arn:aws:dynamodb:us-east-1:123456789012:table/probemesh-prod-ResultsTable";
const arns = { table, indexes: [`${table}/index/gsi1`] };
const probes = ["us-east-1", "eu-west-1", "ap-southeast-2"].map(
  (region) => `arn:aws:lambda:${region}:123456789012:function:probemesh-prod-Probe-${region}`,
);
const worker = "arn:aws:lambda:us-east-1:123456789012:function:probemesh-prod-ChatopsWorker";

const spool = "arn:aws:sqs:eu-west-1:123456789012:probemesh-prod-SpoolEuWest1.fifo";
const roles: Record<string, Grant<string>[]> = {
  probe: probeGrants(arns, spool),
  scheduler: schedulerGrants(arns, probes),
  api: apiGrants(arns, probes, [spool]),
  chatops: chatopsGrants(arns, worker),
  chatopsWorker: chatopsWorkerGrants(arns, probes),
  drift: driftGrants(arns),
};

const actionsOf = (grants: Grant<string>[]) => grants.flatMap((g) => g.actions);
const resourcesOf = (grants: Grant<string>[], action: string) =>
  grants.filter((g) => g.actions.includes(action)).flatMap((g) => g.resources);

describe("least-privilege grants", () => {
  it("a probe function uses only its own region's spool queue; the API may only read spool depth", () => {
    expect(roles.probe!.filter((g) => g.actions.some((a) => a.startsWith("sqs:")))).toEqual([{ actions: [...SPOOL_ACTIONS], resources: [spool] }]);
    expect(roles.api!.filter((g) => g.actions.some((a) => a.startsWith("sqs:")))).toEqual([{ actions: ["sqs:GetQueueAttributes"], resources: [spool] }]);
    for (const role of ["scheduler", "chatops", "chatopsWorker", "drift"]) expect(roles[role]!.flatMap((g) => g.actions).filter((a) => a.startsWith("sqs:"))).toEqual([]);
  });

  it.each(Object.entries(roles))("%s: no wildcard in any action or resource", (_role, grants) => {
    expect(grants.length).toBeGreaterThan(0);
    for (const grant of grants) {
      expect(grant.actions.length).toBeGreaterThan(0);
      expect(grant.resources.length).toBeGreaterThan(0);
      for (const action of grant.actions) {
        expect(action).toMatch(/^(dynamodb|lambda|sqs):[A-Za-z]+$/);
      }
      for (const resource of grant.resources) expect(resource).not.toContain("*");
    }
  });

  it.each(Object.entries(roles))("%s: only item-level DynamoDB actions, never Scan or table administration", (_role, grants) => {
    const allowed = new Set<string>([
      ...TABLE_READ_ACTIONS,
      ...TABLE_WRITE_ACTIONS,
      TABLE_DELETE_ACTION,
      "lambda:InvokeFunction",
      ...SPOOL_ACTIONS,
    ]);
    for (const action of actionsOf(grants)) expect(allowed.has(action), action).toBe(true);
  });

  it("probe functions write only the table, read table + index, invoke nothing, delete nothing", () => {
    const grants = roles.probe!;
    expect(actionsOf(grants)).not.toContain("lambda:InvokeFunction");
    expect(actionsOf(grants)).not.toContain(TABLE_DELETE_ACTION);
    for (const action of TABLE_WRITE_ACTIONS) expect(resourcesOf(grants, action)).toEqual([table]);
    expect(resourcesOf(grants, "dynamodb:Query")).toEqual([table, `${table}/index/gsi1`]);
  });

  it("only the scheduler may delete (closing an incident removes its open pointer)", () => {
    for (const [role, grants] of Object.entries(roles)) {
      const deletes = resourcesOf(grants, TABLE_DELETE_ACTION);
      expect(deletes, role).toEqual(role === "scheduler" ? [table] : []);
    }
  });

  it("the scheduler may invoke exactly the probe functions", () => {
    expect(resourcesOf(roles.scheduler!, "lambda:InvokeFunction")).toEqual(probes);
    expect(resourcesOf(roles.scheduler!, "dynamodb:PutItem")).toEqual([table]);
  });

  it("the API reads table and indexes, writes only probe requests/counters, invokes only probes", () => {
    const grants = roles.api!;
    expect(resourcesOf(grants, "dynamodb:Query")).toEqual([table, `${table}/index/gsi1`]);
    expect(actionsOf(grants)).not.toContain("dynamodb:BatchWriteItem");
    expect(resourcesOf(grants, "lambda:InvokeFunction")).toEqual(probes);
  });

  it("the Slack receiver may invoke only its worker and never batch-writes", () => {
    const grants = roles.chatops!;
    expect(resourcesOf(grants, "lambda:InvokeFunction")).toEqual([worker]);
    expect(actionsOf(grants)).not.toContain("dynamodb:BatchWriteItem");
  });
});

describe("infra source wiring", () => {
  const infraDir = join(import.meta.dirname, "../../infra");
  const sources = readdirSync(infraDir)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => ({ file, text: readFileSync(join(infraDir, file), "utf8") }));

  it("never uses `link` (SST links grant dynamodb:* on a table) nor a literal wildcard grant", () => {
    for (const { file, text } of sources) {
      // The one exception: the alert destinations' sst.Secrets (a linked secret grants no IAM action; its value rides in SST's encrypted resource file).
      expect(text.replace(/\blink:\s*alertSecrets\b/g, ""), file).not.toMatch(/\blink\s*:/);
      expect(text, file).not.toMatch(/actions\s*:\s*\[[^\]]*\*/);
      expect(text, file).not.toMatch(/resources\s*:\s*\[[^\]]*["'`]\*["'`]/);
    }
  });

  it("every function definition takes its permissions from infra/permissions.ts", () => {
    const handlers = sources.flatMap(({ file, text }) =>
      [...text.matchAll(/handler:\s*"([^"]+)"/g)].map((m) => ({ file, handler: m[1]!, text })),
    );
    expect(handlers.map((h) => h.handler).sort()).toEqual([
      "packages/functions/src/handlers/api.handler",
      "packages/functions/src/handlers/chatops-worker.handler",
      "packages/functions/src/handlers/chatops.handler",
      "packages/functions/src/handlers/drift.handler",
      "packages/functions/src/handlers/probe.handler",
      "packages/functions/src/handlers/scheduler.handler",
    ]);
    for (const { file, text } of sources.filter((s) => /handler:\s*"/.test(s.text))) {
      const functions = text.split(/handler:\s*"/).length - 1;
      const granted = (text.match(/permissions:\s*\w+Grants\(/g) ?? []).length;
      expect(granted, file).toBe(functions);
    }
  });

  it("builds the table from the store's TABLE_SCHEMA instead of repeating key names", () => {
    const storage = sources.find((s) => s.file === "storage.ts")!.text;
    expect(storage).toMatch(/import \{[^}]*TABLE_SCHEMA[^}]*\} from "\.\.\/packages\/core\/src\/store\/schema\.js"/);
    expect(storage).not.toMatch(/["'](pk|sk|gsi1|gsi1pk|gsi1sk|expiresAt)["']/);
  });
});
