import { describe, expect, it } from "vitest";
import { CommandError, parseCommand, unescapeSlack } from "./command.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];

function errorOf(text: string): string {
  try {
    parseCommand(text, REGIONS);
  } catch (error) {
    if (error instanceof CommandError) return error.message;
    throw error;
  }
  throw new Error(`"${text}" parsed without error`);
}

describe("parseCommand", () => {
  it("help and status", () => {
    expect(parseCommand("", REGIONS)).toEqual({ kind: "help" });
    expect(parseCommand("  help ", REGIONS)).toEqual({ kind: "help" });
    expect(parseCommand("status", REGIONS)).toEqual({ kind: "status" });
    expect(parseCommand("status kong-konnect", REGIONS)).toEqual({ kind: "status", product: "kong-konnect" });
    expect(errorOf("status a b")).toMatch(/at most one product/);
  });

  it("targets with and without regions, Slack link markup undone", () => {
    expect(parseCommand("tcp://api.example.com:443", REGIONS)).toEqual({ kind: "probe", targets: ["tcp://api.example.com:443"], regions: REGIONS });
    expect(parseCommand("<https://example.com/health?a=1&amp;b=2|example.com/health> us-east-1,eu-west-1", REGIONS)).toEqual({
      kind: "probe",
      targets: ["https://example.com/health?a=1&b=2"],
      regions: ["us-east-1", "eu-west-1"],
    });
    expect(parseCommand("tcp://a.example:443 tcp://b.example:22 --regions eu-west-1", REGIONS)).toMatchObject({ targets: ["tcp://a.example:443", "tcp://b.example:22"], regions: ["eu-west-1"] });
  });

  it("products with an optional vendor geography", () => {
    expect(parseCommand("kong-konnect:eu", REGIONS)).toEqual({ kind: "product", product: "kong-konnect", geo: "eu", regions: REGIONS });
    expect(parseCommand("strongdm ap-southeast-2", REGIONS)).toEqual({ kind: "product", product: "strongdm", regions: ["ap-southeast-2"] });
  });

  it("explains bad input", () => {
    expect(errorOf("tcp://x.example:443 us-west-2")).toMatch(/Unknown probe region us-west-2.*us-east-1, eu-west-1, ap-southeast-2/);
    expect(errorOf("us-east-1")).toMatch(/What should I probe/);
    expect(errorOf("example.com kong")).toMatch(/one product at a time.*tcp:\/\/example\.com:443/);
    expect(errorOf("tcp://x.example:443 kong-konnect")).toMatch(/not both/);
    expect(errorOf("Kong_Konnect!")).toMatch(/not a target/);
  });

  it("unescapes Slack's escaping", () => {
    expect(unescapeSlack("&lt;x&gt; &amp; <mailto:a@b.c|a@b.c>")).toBe("<x> & mailto:a@b.c");
  });
});
