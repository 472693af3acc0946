import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { agentRegion } from "../agent/index.js";
import { AwsRegionSchema, isAwsRegion, LocationNameSchema, RegionNameSchema } from "./index.js";

describe("region names", () => {
  it("an AWS region is a probe region; an agent location is not", () => {
    for (const name of ["us-east-1", "eu-west-1", "ap-southeast-2", "us-gov-west-1"]) expect([name, isAwsRegion(name), v.is(AwsRegionSchema, name)]).toEqual([name, true, true]);
    for (const name of ["agent:a1", "eu-west", "EU-WEST-1", "eu-west-1 ", "", "local"]) expect([name, isAwsRegion(name), v.is(AwsRegionSchema, name)]).toEqual([name, false, false]);
  });

  it("a region is an AWS region or agent:<location> of a valid location name", () => {
    for (const location of ["a1", "onprem-dc1", "x".repeat(63)]) {
      expect(v.is(LocationNameSchema, location)).toBe(true);
      expect(v.is(RegionNameSchema, agentRegion(location))).toBe(true);
    }
    expect(v.is(RegionNameSchema, "eu-west-1")).toBe(true);
    for (const name of ["agent:", "agent:-dc1", "agent:DC1", `agent:${"x".repeat(64)}`, "agent:a1/b", "agents:a1", "a1", "agent:a1\n", "xx-agent:a1"]) {
      expect([name, v.is(RegionNameSchema, name)]).toEqual([name, false]);
    }
  });
});
