import { describe, expect, it } from "vitest";
import { probeRequestOf } from "./probe.js";

const base = { targets: "", product: "", geo: "", regions: ["us-east-1", "eu-west-1"], token: "secret" };

describe("probeRequestOf", () => {
  it("splits targets on spaces, commas and new lines", () => {
    expect(probeRequestOf({ ...base, targets: " tcp://a:443,\nhttps://b/x  udp://c:53 " })).toEqual({
      body: { regions: ["us-east-1", "eu-west-1"], targets: ["tcp://a:443", "https://b/x", "udp://c:53"] },
    });
  });
  it("sends a product with its geography, and no geography when blank", () => {
    expect(probeRequestOf({ ...base, product: "kong-konnect", geo: " eu " })).toEqual({
      body: { regions: ["us-east-1", "eu-west-1"], product: "kong-konnect", geo: "eu" },
    });
    expect(probeRequestOf({ ...base, product: "strongdm" })).toEqual({ body: { regions: ["us-east-1", "eu-west-1"], product: "strongdm" } });
  });
  it("says what is missing instead of sending a request the API must refuse", () => {
    expect(probeRequestOf(base)).toEqual({ problem: "Enter at least one target or choose a product." });
    expect(probeRequestOf({ ...base, targets: "tcp://a:1", product: "strongdm" })).toMatchObject({ problem: expect.stringContaining("not both") });
    expect(probeRequestOf({ ...base, targets: "tcp://a:1", regions: [] })).toMatchObject({ problem: expect.stringContaining("region") });
    expect(probeRequestOf({ ...base, targets: "tcp://a:1", token: "  " })).toMatchObject({ problem: expect.stringContaining("npm start prints a lab token") });
  });
});
