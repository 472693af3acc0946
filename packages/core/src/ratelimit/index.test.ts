import { describe, expect, it } from "vitest";
import { dynamoClient, uniqueTableName } from "../../../../test/support/dynamo.js";
import { createStore, ensureTable } from "../store/index.js";
import { parseTarget } from "../target/index.js";
import { CapExceededError, createRateLimiter, DEFAULT_CAPS, enforceCaps, RateLimitedError } from "./index.js";

async function realStore(nowMs: () => number) {
  const client = dynamoClient();
  const tableName = uniqueTableName("ratelimit");
  await ensureTable(client, tableName, { timeToLive: false });
  return createStore({ client, tableName, now: () => new Date(nowMs()) });
}

async function refusal(promise: Promise<void>): Promise<RateLimitedError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
  throw new Error("expected a RateLimitedError");
}

describe("rate limits over the real store (DynamoDB Local)", () => {
  it("counts per subject in fixed windows and says when to retry", async () => {
    let now = Date.parse("2026-01-01T10:00:15Z");
    const store = await realStore(() => now);
    const limiter = createRateLimiter(store, { rules: [{ subject: "slack-user", limit: 3, windowSeconds: 60 }], now: () => now });
    for (let i = 0; i < 3; i++) await limiter.consume({ "slack-user": "T1:U1" });
    const error = await refusal(limiter.consume({ "slack-user": "T1:U1" }));
    expect(error.retryAfterSeconds).toBe(45);
    expect(error.message).toMatch(/at most 3 requests per minute per slack-user; retry in 45 s/);
    // Another user has a budget of their own.
    await limiter.consume({ "slack-user": "T1:U2" });
    // The next window starts fresh.
    now = Date.parse("2026-01-01T10:01:00Z");
    await limiter.consume({ "slack-user": "T1:U1" });
  });

  it("applies every rule whose subject is given and reports the longest wait", async () => {
    const now = Date.parse("2026-01-01T10:30:00Z");
    const store = await realStore(() => now);
    const limiter = createRateLimiter(store, {
      rules: [
        { subject: "slack-user", limit: 5, windowSeconds: 60 },
        { subject: "slack-team", limit: 2, windowSeconds: 3600 },
        { subject: "api-token", limit: 1, windowSeconds: 60 },
      ],
      now: () => now,
    });
    await limiter.consume({ "slack-user": "T1:U1", "slack-team": "T1" });
    await limiter.consume({ "slack-user": "T1:U2", "slack-team": "T1" });
    const error = await refusal(limiter.consume({ "slack-user": "T1:U3", "slack-team": "T1" }));
    expect(error.rule.subject).toBe("slack-team");
    expect(error.retryAfterSeconds).toBe(1800);
    // The token rule is independent of the Slack rules.
    await limiter.consume({ "api-token": "secret-token" });
    expect((await refusal(limiter.consume({ "api-token": "secret-token" }))).rule.subject).toBe("api-token");
  });

  it("counts concurrent requests atomically", async () => {
    const now = Date.parse("2026-01-01T11:00:00Z");
    const store = await realStore(() => now);
    const limiter = createRateLimiter(store, { rules: [{ subject: "api-token", limit: 10, windowSeconds: 60 }], now: () => now });
    const outcomes = await Promise.allSettled(Array.from({ length: 25 }, () => limiter.consume({ "api-token": "t" })));
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(10);
    expect(outcomes.filter((o) => o.status === "rejected" && o.reason instanceof RateLimitedError)).toHaveLength(15);
  });
});

describe("request caps", () => {
  const targets = (...uris: string[]) => uris.map((uri) => parseTarget(uri));

  it("caps targets per request and ports per range", () => {
    expect(() => enforceCaps(targets("tcp://example.com:64535-65535", "https://example.com/"))).not.toThrow();
    const many = targets(...Array.from({ length: DEFAULT_CAPS.maxTargets + 1 }, (_, i) => `tcp://h${i}.example:443`));
    expect(() => enforceCaps(many)).toThrow(expect.objectContaining({ code: "too_many_targets" }));
    expect(() => enforceCaps(targets("tcp://example.com:1024-65535"))).toThrow(CapExceededError);
    expect(() => enforceCaps(targets("tcp://example.com:1024-2047"))).not.toThrow();
    expect(() => enforceCaps(targets("tcp://example.com:1024-2048"))).toThrow(/1025 ports; at most 1024/);
  });
});
