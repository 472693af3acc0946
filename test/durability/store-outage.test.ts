import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";
import type { RoundReport } from "../../packages/functions/src/rounds/index.js";
import { rawCopies } from "./raw-copies.js";

/**
 * DynamoDB Local killed (kill -KILL of its Java process) for more than two minutes while
 * rounds go on every few seconds: every result produced is in history exactly once, the
 * verdicts the outage could have flipped are the same afterwards (missing data is stale,
 * never down), the API says 503 store_unavailable meanwhile, and the mesh brings DynamoDB
 * Local back by itself with its data intact.
 */

const OUTAGE_MS = 125_000;
const ROUND_EVERY_MS = 5_000;
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

type Status = { checks: Array<{ checkId: string; verdict: string }> };

describe("nothing lost through a store outage of over two minutes", () => {
  let dir: string;
  const listeners: Server[] = [];
  let mesh: Mesh;
  const reports: RoundReport[] = [];
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pm-outage-"));
    const open: number[] = [];
    for (let i = 0; i < 10; i++) {
      const listener = createServer((socket) => socket.end());
      await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
      listeners.push(listener);
      open.push((listener.address() as AddressInfo).port);
    }
    const closed = await freePort();
    const targets = [...open.map((port) => `tcp://127.0.0.1:${port}`), `tcp://127.0.0.1:${closed}`];
    writeFileSync(join(dir, "profile.yaml"), `targets:\n${targets.map((t) => `  - "${t}"`).join("\n")}\n`);
    mesh = await startMesh({
      env: { ...process.env, PROBEMESH_PROFILE: join(dir, "profile.yaml"), PROBEMESH_DATA_DIR: join(dir, "data"), PROBEMESH_INTERVAL_S: "5", PORT: "0" },
      autoStart: false,
      web: false,
      dynamoRestartDelayMs: OUTAGE_MS,
      log: (line) => logs.push(line),
    });
  }, 60_000);

  afterAll(async () => {
    await mesh?.stop();
    for (const listener of listeners) listener.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps every result, answers 503 meanwhile, restarts DynamoDB Local and flips no verdict", async () => {
    const round = async () => {
      const report = await mesh.runRound();
      reports.push(report);
      return report;
    };
    await round();
    await round();
    const before = (await (await fetch(`${mesh.url}/v1/status`)).json()) as Status;
    const verdictsBefore = Object.fromEntries(before.checks.map((c) => [c.checkId, c.verdict]));
    expect(Object.values(verdictsBefore).sort()).toEqual([...Array(10).fill("up"), "down"].sort());

    process.kill(mesh.dynamo.javaPid()!, "SIGKILL");
    const restarted = mesh.dynamo.restarted(1);
    let back = false;
    void restarted.then(() => (back = true));
    const outageStart = Date.now();
    let spooledRounds = 0;
    let sawUnavailable = false;
    let peakDepth = 0;
    while (!back) {
      const started = Date.now();
      const report = await round();
      if (report.regions.every((r) => r.ok && (r.summary?.spooled ?? 0) > 0)) spooledRounds += 1;
      const health = await fetch(`${mesh.url}/healthz`);
      const body = (await health.json()) as { status: string; failing?: string[]; spool: { depth: number } };
      if (!back && health.status === 503) {
        sawUnavailable = true;
        expect(body).toMatchObject({ status: "unavailable", failing: ["store"] });
        peakDepth = Math.max(peakDepth, body.spool.depth);
        const status = await fetch(`${mesh.url}/v1/regions`);
        if (!back) {
          expect(status.status).toBe(503);
          expect(((await status.json()) as { error: { code: string } }).error.code).toBe("store_unavailable");
        }
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, ROUND_EVERY_MS - (Date.now() - started))));
    }
    const outageMs = Date.now() - outageStart;
    expect(outageMs).toBeGreaterThanOrEqual(120_000);
    expect(sawUnavailable).toBe(true);
    expect(spooledRounds).toBeGreaterThanOrEqual(15);
    expect(peakDepth).toBeGreaterThanOrEqual(3 * 15);
    expect(logs.some((line) => /DynamoDB Local .* died: restarting/.test(line))).toBe(true);

    // The store is back: the next round drains every spool (oldest first), then writes its own.
    const drainedAt = Date.now();
    const recovered = await round();
    expect(recovered.storeError).toBeUndefined();
    expect(recovered.regions.every((r) => r.ok && !r.summary?.spooled)).toBe(true);
    const health = (await (await fetch(`${mesh.url}/healthz`)).json()) as { status: string; spool: { depth: number }; failedShards: unknown };
    expect(health.failedShards, JSON.stringify(recovered.regions)).toEqual({});
    expect(health).toMatchObject({ status: "ok", spool: { depth: 0 } });
    const drainMs = Date.now() - drainedAt;
    await round();

    const produced = reports.flatMap((r) => r.regions).reduce((n, r) => n + (r.summary ? r.summary.counts.pass + r.summary.counts.fail + r.summary.counts.inconclusive : 0), 0);
    const client = new DynamoDBClient({ endpoint: mesh.dynamoEndpoint, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
    const copies = await rawCopies(client, mesh.runtime.settings.tableName, REGIONS);
    client.destroy();
    expect(copies.length).toBe(produced);
    expect(new Set(copies).size).toBe(copies.length);
    expect(produced).toBe(reports.length * 3 * 11);

    const after = (await (await fetch(`${mesh.url}/v1/status`)).json()) as Status;
    expect(Object.fromEntries(after.checks.map((c) => [c.checkId, c.verdict]))).toEqual(verdictsBefore);
    const incidents = (await (await fetch(`${mesh.url}/v1/incidents`)).json()) as { incidents: Array<{ checkId: string }> };
    expect(incidents.incidents.map((i) => i.checkId)).toEqual([after.checks.find((c) => c.verdict === "down")!.checkId]);
    console.log(
      `store outage: ${Math.round(outageMs / 1000)} s, ${reports.length} rounds, ${produced} results produced, ${copies.length} stored, ` +
        `${copies.length - new Set(copies).size} duplicated, spool peak ${peakDepth} batches, drained in ${drainMs} ms`,
    );
  }, 240_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
