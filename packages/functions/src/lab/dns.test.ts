import { dnsLookup } from "@probemesh/core/probers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLabDns, type LabDns } from "./dns.js";

let dns: LabDns;
beforeAll(async () => {
  dns = await startLabDns({ records: new Map<string, string | string[]>([["one.lab.test", "127.0.0.7"], ["many.lab.test", ["127.0.0.7", "127.0.0.8", "127.0.0.9"]]]) });
});
afterAll(() => dns.close());

describe("lab DNS", () => {
  it("answers a name with its address, a name behind several addresses with all of them in order, others NXDOMAIN", async () => {
    const lookup = dnsLookup({ server: dns.server, timeoutMs: 1000 });
    expect(await lookup("one.lab.test")).toEqual([{ address: "127.0.0.7", family: 4 }]);
    expect((await lookup("many.lab.test")).map((a) => a.address)).toEqual(["127.0.0.7", "127.0.0.8", "127.0.0.9"]);
    await expect(lookup("nope.lab.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    expect(dns.queries.get("127.0.0.1")).toBeGreaterThanOrEqual(3);
  });
});
