import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_RETRY } from "./retry.js";

describe("backoffMs", () => {
  it("stays within [ceiling/2, ceiling] of the capped exponential", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const ceiling = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffMs(attempt, DEFAULT_RETRY);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it("gives the default policy a guaranteed wait long enough to outlast a DynamoDB restart", () => {
    let floor = 0;
    for (let attempt = 0; attempt < DEFAULT_RETRY.maxAttempts - 1; attempt++) {
      floor += Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.baseDelayMs * 2 ** attempt) / 2;
    }
    expect(floor).toBeGreaterThanOrEqual(8000);
  });
});
