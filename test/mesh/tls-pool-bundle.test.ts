import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { threadId } from "node:worker_threads";
import type { Context } from "aws-lambda";
import { createCA, issueCert } from "@probemesh/core/pki";
import { TLS_POOL_CHANNEL } from "@probemesh/core/probers";
import { ensureTable } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tlsListener, type Listening } from "../../packages/core/src/probers/test-servers/index.js";
import { BUNDLES, bundleHandler } from "../../packages/functions/src/mesh/bundle.js";
import { dynamoClient, dynamoEndpoint, uniqueTableName } from "../support/dynamo.js";

type PoolEvent = { threadId: number; ready?: true; outcome?: string };
type Handler = (event: unknown, context: Context) => Promise<{ checks: number; counts: Record<string, number> }>;

/**
 * The probe bundle (the file the local mesh runs and SST deploys) is its own TLS worker's code: a TLS
 * check of a round runs in a worker thread that loaded the bundle, not the TypeScript source.
 */
describe("the probe bundle's TLS worker pool", () => {
  const out = mkdtempSync(join(tmpdir(), "pm-tls-bundle-"));
  const events: PoolEvent[] = [];
  const listen = (message: unknown) => events.push(message as PoolEvent);
  let target: Listening;
  let handler: Handler;

  beforeAll(async () => {
    const ca = await createCA({ name: "bundle test CA" });
    target = await tlsListener(await issueCert(ca, { names: ["127.0.0.1"] }));
    const table = uniqueTableName("tls-bundle");
    await ensureTable(dynamoClient(), table, { timeToLive: false });
    Object.assign(process.env, { DYNAMODB_ENDPOINT: dynamoEndpoint(), PROBEMESH_TABLE: table, PROBEMESH_REGIONS: "us-east-1", PROBEMESH_TLS_WORKERS: "1" });
    subscribe(TLS_POOL_CHANNEL, listen);
    const built = await bundleHandler(BUNDLES.probe, "probe", out);
    handler = ((await import(pathToFileURL(built.file).href)) as { handler: Handler }).handler;
  }, 60_000);
  afterAll(async () => {
    unsubscribe(TLS_POOL_CHANNEL, listen);
    await target?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const round = (roundId: string) =>
    handler(
      { region: process.env.AWS_REGION ?? "us-east-1", roundId, checks: [{ checkId: "tls", target: `tls://127.0.0.1:${target.port}` }] },
      { getRemainingTimeInMillis: () => 30_000 } as Context,
    );

  it("starts a worker from the bundle on the first TLS check and does the next one there", async () => {
    // The first check starts the pool (and runs in this thread while the worker loads the bundle).
    expect(await round("r1")).toMatchObject({ checks: 1 });
    await expect.poll(() => events.some((e) => e.ready), { timeout: 20_000 }).toBe(true);
    const summary = await round("r2");
    // The listener's CA is not one the function trusts: the handshake completes and the chain is untrusted.
    expect(summary).toMatchObject({ checks: 1, counts: { fail: 1 } });
    const probed = events.filter((e) => e.outcome);
    expect(probed).toEqual([{ threadId: expect.any(Number), outcome: "tls_cert_untrusted" }]);
    expect(probed[0]!.threadId).not.toBe(threadId);
  });
});
