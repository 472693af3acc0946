import { describe, expect, it } from "vitest";
import { DURATION_MODEL, estimateCost, evaluationMs, FUNCTION_SIZES, PRICES, probeInvocationMs, roundDeadlineMs, schedulerInvocationMs, schedulerMemoryFor, syntheticChecks } from "./index.js";

const base = { checksPerRound: 100, regions: 3, intervalS: 60 };

describe("scheduler sizing", () => {
  it("keeps 256 MB for small plans and sizes the memory (hence CPU) of large ones from the measured evaluation", () => {
    expect(schedulerMemoryFor(300)).toEqual({ memoryMb: 256, fits: true });
    const large = schedulerMemoryFor(100_000 * 20);
    expect(large.fits).toBe(true);
    expect(large.memoryMb).toBe(1728);
    // Within the evaluation's share of the timeout on that memory, not on 256 MB.
    expect(evaluationMs(2_000_000, large.memoryMb)).toBeLessThan(FUNCTION_SIZES.scheduler.timeoutS * 1000 * 0.6);
    expect(evaluationMs(2_000_000, 256)).toBeGreaterThan(FUNCTION_SIZES.scheduler.timeoutS * 1000);
    // One thread: more memory past a full vCPU buys no speed, so a plan past one core's reach does not fit.
    expect(schedulerMemoryFor(3_000_000).fits).toBe(false);
    expect(evaluationMs(1_000_000, 3538)).toBe(evaluationMs(1_000_000, 1769));
  });

  it("prices the sized scheduler and warns when a configured one is too small", () => {
    const sized = estimateCost({ checksPerRound: 100_000, regions: 20, intervalS: 60, shards: 32 });
    expect(sized.invocation.schedulerMemoryMb).toBe(1728);
    expect(sized.warnings.join("\n")).not.toMatch(/SCHEDULER_MEMORY/);
    const small = estimateCost({ checksPerRound: 100_000, regions: 20, intervalS: 60, shards: 32, schedulerMemoryMb: 256 });
    expect(small.warnings.join("\n")).toMatch(/set PROBEMESH_SCHEDULER_MEMORY_MB=1728/);
  });

  it("takes the evaluation's time out of the round's wait in Lambda, never below 5 s", () => {
    expect(roundDeadlineMs({ intervalS: 60, results: 300 })).toBe(48_000);
    expect(roundDeadlineMs({ intervalS: 300, results: 300 })).toBe(50_000);
    const large = roundDeadlineMs({ intervalS: 60, results: 2_000_000, schedulerMemoryMb: 1728 });
    expect(large + evaluationMs(2_000_000, 1728)).toBeLessThanOrEqual(FUNCTION_SIZES.scheduler.timeoutS * 1000 - 3000 + 1);
    expect(roundDeadlineMs({ intervalS: 60, results: 2_000_000, schedulerMemoryMb: 256 })).toBe(5000);
  });
});

describe("estimateCost", () => {
  it("prices Lambda from the deployed sizes and the duration model", () => {
    const e = estimateCost(base);
    expect(e.invocation.probeMemoryMb).toBe(FUNCTION_SIZES.probe.memoryMb);
    expect(e.invocation.probeMs).toBe(probeInvocationMs(100, DURATION_MODEL.slowestCheckMs));
    const compute = e.items.find((i) => i.item.startsWith("Lambda compute"))!;
    const gbS = (3 * 43_200 * e.invocation.probeMs * 0.5 + 43_200 * e.invocation.schedulerMs * 0.25) / 1000;
    expect(compute.quantity).toBeCloseTo(gbS, 6);
    expect(compute.usd).toBeCloseTo(gbS * PRICES.lambda.perGbSecond.arm64, 9);
  });

  it("prices a measured probe invocation in place of the model's, and the scheduler waits for it", () => {
    const measured = estimateCost({ ...base, probeMs: 2100.4 });
    expect(measured.invocation.probeMs).toBe(2101);
    expect(measured.invocation.schedulerMs).toBe(Math.ceil(schedulerInvocationMs(100, 3, 2101)));
    const modelled = estimateCost({ ...base, slowestCheckMs: 2101 - probeInvocationMs(100, 0) });
    expect(measured.totalUsd).toBeCloseTo(modelled.totalUsd, 9);
  });

  it("sizes the store's items with its encoders: DEFLATE'd raw results weigh tens of bytes, not a KB each", () => {
    const { store } = estimateCost(base);
    expect(store.rawBytesPerResult).toBeGreaterThan(10);
    expect(store.rawBytesPerResult).toBeLessThan(200);
    expect(store.rawItemsPerRound).toBe(4); // one per shard × hour
    expect(store.stateItemsPerRound).toBe(4);
  });

  it("spreads a round's state and verdict writes over one partition key per shard (STATE#{region}#{n}, VERDICT#{n})", () => {
    const at = (shards: number) => estimateCost({ checksPerRound: 100_000, regions: 20, intervalS: 60, shards });
    const [eight, thirtyTwo] = [at(8), at(32)];
    const windowS = thirtyTwo.invocation.probeMs / 1000;
    expect(thirtyTwo.fanOut.partitionWcuPerS.regionState).toBeCloseTo(thirtyTwo.store.stateWriteUnitsPerRound / 32 / windowS, 6);
    // Four times the shards, about a quarter of the busiest state and verdict partition's load, far below 1,000 WCU/s.
    expect(thirtyTwo.fanOut.partitionWcuPerS.regionState / eight.fanOut.partitionWcuPerS.regionState).toBeCloseTo(0.25, 1);
    expect(thirtyTwo.fanOut.partitionWcuPerS.verdictModel / eight.fanOut.partitionWcuPerS.verdictModel).toBeCloseTo(0.25, 1);
    expect(thirtyTwo.fanOut.partitionWcuPerS.regionState).toBeLessThan(50);
  });

  it("a profile's own checks are what gets sized; TLS results carry a certificate and weigh more", () => {
    const tls = syntheticChecks(100).map((c, i) => ({ ...c, target: `tls://svc-${i}.vendor.example.com:443` }));
    expect(estimateCost({ ...base, checks: tls }).store.rawBytesPerResult).toBeGreaterThan(estimateCost(base).store.rawBytesPerResult);
  });

  it("prices the region spool (one drain request per probe invocation) unless told it is not there", () => {
    const unspooled = estimateCost({ ...base, spool: false });
    expect(unspooled.items.some((i) => i.item.includes("spool"))).toBe(false);
    const spool = estimateCost(base).items.find((i) => i.item.includes("spool"))!;
    expect(spool.quantity).toBe(3 * 43_200);
    expect(spool.usd).toBeCloseTo((3 * 43_200 * PRICES.sqs.perMillionFifoRequests) / 1e6, 12);
    const busier = estimateCost({ ...base, spool: { requestsPerRegionRound: 3 } });
    expect(busier.totalUsd).toBeCloseTo(unspooled.totalUsd + 3 * spool.usd, 10);
  });

  it("refuses a workload without checks, regions or rounds", () => {
    expect(() => estimateCost({ ...base, regions: 0 })).toThrow(RangeError);
  });
});
