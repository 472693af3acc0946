import { describe, expect, it } from "vitest";
import { healthOf, healthPresentation, worstHealth } from "./health.js";

describe("healthOf", () => {
  it("is an outage when any check is down, partial when one is degraded, reachable when all are up", () => {
    expect(healthOf(["up", "down", "degraded"])).toBe("outage");
    expect(healthOf(["up", "degraded"])).toBe("partial");
    expect(healthOf(["up", "up"])).toBe("reachable");
  });
  it("does not call a product reachable while some of its checks have no verdict, and says unknown with none", () => {
    expect(healthOf(["up", "unknown"])).toBe("partial");
    expect(healthOf(["unknown", "unknown"])).toBe("unknown");
    expect(healthOf([])).toBe("unknown");
  });
});

describe("worstHealth", () => {
  it("takes the worst known health; unknown only when nothing is known", () => {
    expect(worstHealth(["reachable", "outage", "partial"])).toBe("outage");
    expect(worstHealth(["reachable", "unknown"])).toBe("reachable");
    expect(worstHealth(["unknown"])).toBe("unknown");
    expect(worstHealth([])).toBe("unknown");
  });
  it("words each health for the banner", () => {
    expect(healthPresentation("reachable")).toMatchObject({ text: "All reachable", tone: "pass" });
    expect(healthPresentation("partial")).toMatchObject({ text: "Partly reachable", tone: "partial" });
    expect(healthPresentation("outage")).toMatchObject({ text: "Outage", tone: "fail" });
  });
});
