import { beforeEach, describe, expect, it } from "vitest";
import { connectTries, destinationTiming, forgetDestinationTimings, MIN_CHECK_TIMEOUT_MS, RttEstimator, SILENT_CHECK_TIMEOUT_MS } from "./timing.js";

beforeEach(() => forgetDestinationTimings());

describe("RttEstimator", () => {
  it("starts from the first sample: srtt = rtt, rttvar = max(5 ms, rtt), timeout = srtt + 4·rttvar", () => {
    const estimator = new RttEstimator();
    expect(estimator.timeoutMs(0, 10_000, 777)).toBe(777);
    estimator.observe(40);
    expect(estimator.describe()).toEqual({ srttMs: 40, rttvarMs: 40, samples: 1 });
    expect(estimator.timeoutMs(0, 10_000, 777)).toBe(200);
  });

  it("smooths later samples by 1/8 (srtt) and 1/4 (rttvar), and clamps the timeout", () => {
    const estimator = new RttEstimator();
    estimator.observe(40);
    estimator.observe(80);
    expect(estimator.srttMs).toBe(45);
    expect(estimator.rttvarMs).toBe(40);
    expect(estimator.timeoutMs(300, 10_000, 0)).toBe(300);
    expect(estimator.timeoutMs(0, 100, 0)).toBe(100);
  });

  it("keeps rttvar at 5 ms or more on a fast path, and ignores impossible samples", () => {
    const estimator = new RttEstimator();
    for (let i = 0; i < 50; i++) estimator.observe(0.05);
    expect(estimator.rttvarMs).toBe(5);
    estimator.observe(60_000);
    estimator.observe(Number.NaN);
    expect(estimator.samples).toBe(50);
  });
});

describe("connectTries", () => {
  it("gives an unknown destination the whole budget in one try", () => {
    expect(connectTries("192.0.2.1", 5000)).toEqual([5000]);
  });

  it("gives an answering destination srtt + 4·rttvar (at least 1 s), then one retransmission within the budget", () => {
    destinationTiming("192.0.2.2").observe(2);
    expect(connectTries("192.0.2.2", 5000)).toEqual([MIN_CHECK_TIMEOUT_MS, 2 * MIN_CHECK_TIMEOUT_MS]);
    expect(connectTries("192.0.2.2", 1500)).toEqual([MIN_CHECK_TIMEOUT_MS, 500]);
    expect(connectTries("192.0.2.2", 800)).toEqual([800]);
  });

  it("gives a destination silent since its last timeout one short try, until it answers again", () => {
    const timing = destinationTiming("192.0.2.3");
    timing.observe(2);
    timing.timedOut();
    expect(connectTries("192.0.2.3", 5000)).toEqual([SILENT_CHECK_TIMEOUT_MS]);
    expect(connectTries("192.0.2.3", 300)).toEqual([300]);
    timing.observe(3);
    expect(connectTries("192.0.2.3", 5000)[0]).toBe(MIN_CHECK_TIMEOUT_MS);
  });
});
