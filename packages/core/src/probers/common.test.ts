import { describe, expect, it } from "vitest";
import { lookupOutcome } from "./common.js";
import { probe } from "./index.js";

/** A lookup that fails at once with `code`, as getaddrinfo does when no resolver is reachable. */
const failingLookup = (code: string) => async () => {
  throw Object.assign(new Error(`getaddrinfo ${code} api.example.test`), { code });
};

describe("lookupOutcome", () => {
  it("maps the resolver's own error: NXDOMAIN, a resolver that heard nothing, anything else", () => {
    expect(lookupOutcome("ENOTFOUND")).toBe("dns_nxdomain");
    expect(lookupOutcome("ETIMEOUT")).toBe("dns_timeout");
    expect(lookupOutcome("EAI_AGAIN")).toBe("dns_error");
    expect(lookupOutcome("ESERVFAIL")).toBe("dns_error");
    expect(lookupOutcome(undefined)).toBe("dns_error");
  });
});

describe("a probe whose name lookup fails at once with EAI_AGAIN", () => {
  it("is a dns_error with the errno, not a dns_timeout", async () => {
    const [result] = await probe("tcp://api.example.test:443", { lookup: failingLookup("EAI_AGAIN"), timeoutMs: 5000 });
    expect(result).toMatchObject({ status: "fail", outcome: "dns_error", detail: { errno: "EAI_AGAIN" } });
    expect(result!.durationMs).toBeLessThan(5000);
  });

  it("stays dns_nxdomain for ENOTFOUND and dns_timeout for ETIMEOUT", async () => {
    const [nx] = await probe("tls://api.example.test:443", { lookup: failingLookup("ENOTFOUND"), timeoutMs: 5000 });
    const [slow] = await probe("https://api.example.test/", { lookup: failingLookup("ETIMEOUT"), timeoutMs: 5000 });
    expect([nx!.outcome, slow!.outcome]).toEqual(["dns_nxdomain", "dns_timeout"]);
  });
});
