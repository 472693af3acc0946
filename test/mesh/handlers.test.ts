import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { Context } from "aws-lambda";
import { ensureTable } from "@probemesh/core/store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handler as apiHandler } from "../../packages/functions/src/handlers/api.js";
import { handler as probeHandler } from "../../packages/functions/src/handlers/probe.js";
import { handler as schedulerHandler } from "../../packages/functions/src/handlers/scheduler.js";
import { startInvokeServer, type InvokeServer } from "../../packages/functions/src/invoke/index.js";
import { dynamoClient, dynamoEndpoint, uniqueTableName } from "../support/dynamo.js";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/events/${name}`, import.meta.url), "utf8"));
const lambdaContext = (ms = 30_000) => ({ getRemainingTimeInMillis: () => ms, awsRequestId: "test", functionName: "api" }) as unknown as Context;
const TOKEN = "handlers-test-token";

/** The HTTP API v2 GET fixture, pointed at another path. */
function getEvent(path: string) {
  const event = fixture("apigw-v2-get-regions.json");
  event.rawPath = path;
  event.requestContext.http.path = path;
  return event;
}

/**
 * The three Lambda handlers exactly as AWS calls them: wired from the environment, fed with
 * realistic EventBridge / API Gateway HTTP API v2 / Function URL events. The probe function runs
 * behind the Invoke emulator in us-east-1; eu-west-1 points at a dead endpoint (a region that
 * does not answer).
 */
describe("Lambda handlers fed with real event shapes", () => {
  let worker: InvokeServer;
  let target: Server;
  let deadPort: number;

  beforeAll(async () => {
    target = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, "127.0.0.1", resolve));
    deadPort = (dead.address() as { port: number }).port;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    worker = await startInvokeServer({ region: "us-east-1", functions: { "probe-use1": probeHandler } });

    const table = uniqueTableName("handlers");
    await ensureTable(dynamoClient(), table, { timeToLive: false });
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: dynamoEndpoint(),
      PROBEMESH_TABLE: table,
      PROBEMESH_REGIONS: "us-east-1,eu-west-1",
      PROBEMESH_PROBE_FUNCTIONS: JSON.stringify({ "us-east-1": "probe-use1", "eu-west-1": "probe-euw1" }),
      PROBEMESH_LAMBDA_ENDPOINTS: JSON.stringify({ "us-east-1": worker.url, "eu-west-1": `http://127.0.0.1:${deadPort}` }),
      PROBEMESH_PROFILE_JSON: JSON.stringify({ targets: [`tcp://127.0.0.1:${(target.address() as { port: number }).port}`] }),
      PROBEMESH_API_TOKENS: TOKEN,
      PROBEMESH_GUARD_ALLOW: "test-loopback=127.0.0.0/8",
      PROBEMESH_INTERVAL_S: "60",
    });
  });
  afterAll(async () => {
    await worker?.close();
    target?.close();
  });

  it("scheduler (EventBridge): probes the answering region, records the silent one as not ok — never as endpoints down", async () => {
    const event = fixture("eventbridge-scheduled.json");
    const report = await schedulerHandler(event);
    expect(report.roundId).toBe("2026-11-23T09:00:00.000Z");
    expect(report.checks).toBe(1);
    const [use1, euw1] = report.regions;
    expect(use1).toMatchObject({ region: "us-east-1", ok: true, summary: { checks: 1, counts: { pass: 1, fail: 0, inconclusive: 0 }, unfinished: 0 } });
    expect(euw1).toMatchObject({ region: "eu-west-1", ok: false });
    expect(euw1!.error).toMatch(/^eu-west-1: invoke failed/);
  });

  it("api (HTTP API v2): GET /v1/regions shows the silent region stale", async () => {
    const res = await apiHandler(fixture("apigw-v2-get-regions.json"), lambdaContext());
    expect(res.statusCode).toBe(200);
    expect(res.headers?.["content-type"]).toMatch(/application\/json/);
    const body = JSON.parse(res.body);
    expect(body.regions).toEqual([
      expect.objectContaining({ region: "us-east-1", ok: true, stale: false, checks: 1 }),
      expect.objectContaining({ region: "eu-west-1", ok: false, stale: true, error: expect.stringMatching(/invoke failed/) }),
    ]);
  });

  it("api (Function URL): GET /v1/status — the stale region is unknown, the check is up, not down", async () => {
    const res = await apiHandler(fixture("function-url-get-status.json"), lambdaContext());
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body.checks).toHaveLength(1);
    expect(body.checks[0].regions).toEqual({ "us-east-1": expect.stringMatching(/^(up|unknown)$/), "eu-west-1": "stale" });
    expect(body.checks[0].verdict).not.toBe("down");
    expect(body.summary.down).toBe(0);
  });

  it("api (HTTP API v2 with path and query parameters): GET history of the check", async () => {
    const status = JSON.parse((await apiHandler(fixture("function-url-get-status.json"), lambdaContext())).body);
    const checkId = status.checks[0].checkId as string;
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const event = JSON.parse(
      JSON.stringify(fixture("apigw-v2-get-history.json"))
        .replaceAll("CHECK_ID", checkId)
        .replace("2026-11-23T08%3A00%3A00.000Z", encodeURIComponent(from))
        .replace("2026-11-23T10%3A00%3A00.000Z", encodeURIComponent(to)),
    );
    const res = await apiHandler(event, lambdaContext());
    expect(res.statusCode).toBe(200);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ checkId, bucket: "raw", from, to });
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({ region: "us-east-1", counts: { pass: 1, fail: 0, inconclusive: 0 } });
  });

  it("api (HTTP API v2, base64 body): POST /v1/probes needs the token, then dispatches (Event) and results arrive", async () => {
    const port = (target.address() as { port: number }).port;
    const body = JSON.stringify({ targets: [`tcp://127.0.0.1:${port}`], regions: ["us-east-1"] });
    const event = (token: string) =>
      JSON.parse(
        JSON.stringify(fixture("apigw-v2-post-probes.json"))
          .replace("BODY_BASE64", Buffer.from(body).toString("base64"))
          .replace("BODY_LENGTH", String(Buffer.byteLength(body)))
          .replace("Bearer TOKEN", `Bearer ${token}`),
      );
    const refused = await apiHandler(event("wrong"), lambdaContext());
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(refused.body).error.code).toBe("unauthorized");

    const accepted = await apiHandler(event(TOKEN), lambdaContext());
    expect(accepted.statusCode).toBe(202);
    const { id } = JSON.parse(accepted.body);
    let record = { pending: ["us-east-1"], results: [] as Array<{ outcome: string; region: string }> };
    for (let i = 0; i < 50 && record.pending.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const got = await apiHandler(getEvent(`/v1/probes/${id}`), lambdaContext());
      record = JSON.parse(got.body);
    }
    expect(record.pending).toEqual([]);
    expect(record.results).toEqual([expect.objectContaining({ region: "us-east-1", outcome: "ok" })]);
  });

  it("probe: a malformed invocation is refused with a named field (Unhandled on the Invoke API)", async () => {
    await expect(probeHandler({ region: "us-east-1", roundId: "r", checks: [{ target: "tcp://x:1" }] }, lambdaContext())).rejects.toThrow(
      /invalid probe invocation: checks\.0\.checkId/,
    );
    const res = await fetch(`${worker.url}/2015-03-31/functions/probe-use1/invocations`, { method: "POST", body: "{}" });
    expect(res.headers.get("x-amz-function-error")).toBe("Unhandled");
    expect((await res.json()).errorType).toBe("InvalidPayloadError");
  });
});
