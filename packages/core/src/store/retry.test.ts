import { afterEach, describe, expect, it, vi } from "vitest";
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

  afterEach(() => vi.restoreAllMocks());

  it("gives the default policy a guaranteed wait long enough to outlast a DynamoDB restart", () => {
    // The least jitter can give: every wait of the default policy at its floor.
    vi.spyOn(Math, "random").mockReturnValue(0);
    let floor = 0;
    for (let attempt = 0; attempt < DEFAULT_RETRY.maxAttempts - 1; attempt++) floor += backoffMs(attempt, DEFAULT_RETRY);
    expect(floor).toBeGreaterThanOrEqual(8000);
  });
});
