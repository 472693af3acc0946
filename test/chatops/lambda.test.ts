import { createGuard, DEFAULT_POLICY } from "@probemesh/core/guard";
import { createStore, ensureTable } from "@probemesh/core/store";
import { chatopsRoutes, signSlackRequest, type ChatopsJob } from "@probemesh/functions/chatops";
import { handle, type LambdaContext } from "hono/aws-lambda";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { dynamoClient, uniqueTableName } from "../support/dynamo.js";

/**
 * Slack's form body reaches the Lambda through API Gateway HTTP API (payload v2), which
 * base64-encodes it. The signature covers the exact bytes Slack sent, so the adapter must
 * hand the route the decoded raw body unchanged.
 */

const SECRET = "lambda-signing-secret";

function apiGatewayV2Event(body: string, headers: Record<string, string>) {
  return {
    version: "2.0",
    routeKey: "POST /chatops/slack",
    rawPath: "/chatops/slack",
    rawQueryString: "",
    headers: { "content-type": "application/x-www-form-urlencoded", "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)", host: "abc123.execute-api.us-east-1.amazonaws.com", ...headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method: "POST", path: "/chatops/slack", protocol: "HTTP/1.1", sourceIp: "3.4.5.6", userAgent: "Slackbot 1.0" },
      requestId: "req-1",
      routeKey: "POST /chatops/slack",
      stage: "$default",
      time: "01/Jan/2026:12:00:00 +0000",
      timeEpoch: Date.now(),
    },
    body: Buffer.from(body).toString("base64"),
    isBase64Encoded: true,
  };
}

describe("the slash command behind API Gateway HTTP API v2", () => {
  it("verifies the signature over the base64-decoded body and acks", async () => {
    const client = dynamoClient();
    const tableName = uniqueTableName("chatops-lambda");
    await ensureTable(client, tableName, { timeToLive: false });
    const jobs: ChatopsJob[] = [];
    const app = new Hono().route(
      "/chatops",
      chatopsRoutes({
        signingSecret: SECRET,
        store: createStore({ client, tableName }),
        regions: ["us-east-1"],
        guard: createGuard(DEFAULT_POLICY),
        planProduct: () => [],
        checks: () => [],
        dispatch: async (job) => void jobs.push(job),
        webhookPolicy: { allowedHosts: ["hooks.slack.com"] },
        staleAfterMs: 150_000,
      }),
    );
    const handler = handle(app);
    const body = new URLSearchParams({ team_id: "T1", user_id: "U1", command: "/probe", text: "https://example.com/health?a=1&b=ü", response_url: "https://hooks.slack.com/commands/T1/1/x", trigger_id: "t1" }).toString();
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signed = { "x-slack-request-timestamp": timestamp, "x-slack-signature": signSlackRequest(SECRET, timestamp, body) };

    const ok = (await handler(apiGatewayV2Event(body, signed) as never, {} as LambdaContext)) as { statusCode: number; body: string };
    expect(ok.statusCode).toBe(200);
    expect(JSON.parse(ok.body).text).toMatch(/Probing https:\/\/example\.com\/health\?a=1&amp;b=ü \(1 check\) from us-east-1/);
    expect(jobs.map((j) => j.checks[0]!.target)).toEqual(["https://example.com/health?a=1&b=ü"]);

    const tampered = (await handler(apiGatewayV2Event(body.replace("U1", "U2"), signed) as never, {} as LambdaContext)) as { statusCode: number };
    expect(tampered.statusCode).toBe(401);
  });
});
