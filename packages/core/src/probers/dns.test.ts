import { afterAll, beforeAll, describe, expect, it } from "vitest";
import dnsPacket from "dns-packet";
import { encodeQuery } from "./dns.js";
import { dnsLookup, LookupError, probe } from "./index.js";
import { closedUdpPort, dnsResponder, type Listening } from "./test-servers/index.js";

let dns: Listening & { queries: string[] };
const ctx = { region: "r", checkId: "d", timeoutMs: 300 };
const at = (name: string, type = "A") => `dns://127.0.0.1:${dns.port}/${name}?type=${type}`;

beforeAll(async () => {
  dns = await dnsResponder(
    {
      "api.lab.test": [{ type: "A", data: "127.0.0.7", ttl: 30 }, { type: "AAAA", data: "::1" }],
      "lab.test": [
        { type: "MX", data: { preference: 10, exchange: "mx.lab.test" } },
        { type: "TXT", data: ["v=spf1 -all"] },
        { type: "NS", data: "ns1.lab.test" },
      ],
      "_svc._tcp.lab.test": [{ type: "SRV", data: { priority: 1, weight: 5, port: 8443, target: "api.lab.test" } }],
      "www.lab.test": [{ type: "CNAME", data: "api.lab.test" }],
      "v6only.lab.test": [{ type: "AAAA", data: "::1" }],
      "empty.lab.test": [],
    },
    { silent: ["slow.lab.test"], servfail: ["broken.lab.test"] },
  );
});
afterAll(() => dns.close());

describe("dns prober", () => {
  it("asks the resolver in the URI and returns the answers", async () => {
    const [result] = await probe(at("api.lab.test"), ctx);
    expect(result).toMatchObject({
      kind: "dns", status: "pass", outcome: "ok", remoteAddress: "127.0.0.1",
      detail: { resolver: `127.0.0.1:${dns.port}`, rcode: "NOERROR", answers: [{ name: "api.lab.test", type: "A", ttl: 30, data: "127.0.0.7" }] },
    });
    expect(result!.phases.dnsMs).toBeGreaterThanOrEqual(0);
    expect(dns.queries).toContain("A api.lab.test");
  });

  it.each([
    ["api.lab.test", "AAAA", "::1"],
    ["lab.test", "MX", { preference: 10, exchange: "mx.lab.test" }],
    ["lab.test", "TXT", ["v=spf1 -all"]],
    ["lab.test", "NS", "ns1.lab.test"],
    ["_svc._tcp.lab.test", "SRV", { priority: 1, weight: 5, port: 8443, target: "api.lab.test" }],
    ["www.lab.test", "CNAME", "api.lab.test"],
  ])("resolves %s %s", async (name, type, data) => {
    const [result] = await probe(at(name, type), ctx);
    expect(result).toMatchObject({ outcome: "ok", detail: { answers: [{ type, data }] } });
  });

  it("tells NXDOMAIN, timeout, SERVFAIL and no-data apart", async () => {
    const [missing] = await probe(at("nope.lab.test"), ctx);
    expect(missing).toMatchObject({ status: "fail", outcome: "dns_nxdomain", detail: { rcode: "NXDOMAIN" } });
    const [slow] = await probe(at("slow.lab.test"), ctx);
    expect(slow).toMatchObject({ status: "fail", outcome: "dns_timeout" });
    const [broken] = await probe(at("broken.lab.test"), ctx);
    expect(broken).toMatchObject({ status: "fail", outcome: "dns_error", detail: { rcode: "SERVFAIL" } });
    const [empty] = await probe(at("empty.lab.test"), ctx);
    expect(empty).toMatchObject({ status: "fail", outcome: "dns_error", detail: { rcode: "NOERROR", error: "no A record" } });
  });

  it("reports a resolver port that is closed as dns_error", async () => {
    const [result] = await probe(`dns://127.0.0.1:${await closedUdpPort()}/api.lab.test`, ctx);
    expect(result).toMatchObject({ outcome: "dns_error", detail: { error: expect.stringContaining("port unreachable") } });
  });

  it("passes an expect=blocked name that does not resolve", async () => {
    const [result] = await probe(`${at("nope.lab.test")}&expect=blocked`, ctx);
    expect(result).toMatchObject({ status: "pass", outcome: "dns_nxdomain", expect: "blocked" });
  });
});

describe("dnsLookup", () => {
  const lookup = () => dnsLookup({ server: `127.0.0.1:${dns.port}`, timeoutMs: 300, localAddress: "127.0.0.3" });

  it("resolves A, falls back to AAAA, and passes IP literals through", async () => {
    expect(await lookup()("api.lab.test")).toEqual([{ address: "127.0.0.7", family: 4 }]);
    expect(await lookup()("v6only.lab.test")).toEqual([{ address: "::1", family: 6 }]);
    expect(await lookup()("10.1.2.3")).toEqual([{ address: "10.1.2.3", family: 4 }]);
  });

  it("rejects NXDOMAIN with ENOTFOUND and silence with ETIMEOUT", async () => {
    await expect(lookup()("nope.lab.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
    await expect(lookup()("slow.lab.test")).rejects.toBeInstanceOf(LookupError);
    await expect(lookup()("slow.lab.test")).rejects.toMatchObject({ code: "ETIMEOUT" });
    await expect(lookup()("empty.lab.test")).rejects.toMatchObject({ code: "ENODATA" });
  });
});

describe("encodeQuery", () => {
  it("gives the same bytes dns-packet would, with each query's own id", () => {
    const first = encodeQuery("api.lab.test.", "AAAA", 0x1234);
    const second = encodeQuery("api.lab.test.", "AAAA", 0xbeef);
    expect(first).toEqual(dnsPacket.encode({ type: "query", id: 0x1234, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: "AAAA", name: "api.lab.test" }] }));
    expect(dnsPacket.decode(second)).toMatchObject({ id: 0xbeef, questions: [{ type: "AAAA", name: "api.lab.test" }] });
    expect(first.subarray(2)).toEqual(second.subarray(2));
    expect(encodeQuery("api.lab.test.", "AAAA", 0x1234)).toEqual(first);
  });
});
