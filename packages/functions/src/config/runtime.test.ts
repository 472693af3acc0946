import { describe, expect, it } from "vitest";
import { tableRegionFor } from "./runtime.js";

describe("tableRegionFor", () => {
  it("sends a probe in a non-replica region to the home table", () => {
    expect(tableRegionFor({ AWS_REGION: "eu-west-1", PROBEMESH_TABLE_REGION: "us-east-1" })).toBe("us-east-1");
  });
  it("uses the replica beside the function when there is one", () => {
    expect(
      tableRegionFor({ AWS_REGION: "eu-west-1", PROBEMESH_TABLE_REGION: "us-east-1", PROBEMESH_TABLE_REPLICAS: "eu-west-1, ap-southeast-2" }),
    ).toBe("eu-west-1");
  });
  it("leaves the SDK default when nothing is configured", () => {
    expect(tableRegionFor({ AWS_REGION: "eu-west-1" })).toBeUndefined();
  });
});
