import { describe, expect, it } from "vitest";
import { formatTarget, InvalidTargetError, kindOfUri, parseTarget, parseTargetCached } from "./index.js";

describe("parseTarget", () => {
  it("parses tcp ports and ranges", () => {
    expect(parseTarget("tcp://Example.COM:443")).toEqual({ kind: "tcp", host: "example.com", port: 443 });
    expect(parseTarget("tcp://host:64535-65535")).toEqual({ kind: "tcp", host: "host", port: 64535, portEnd: 65535 });
    expect(parseTarget("tcp://host:80-80")).toEqual({ kind: "tcp", host: "host", port: 80 });
  });

  it("keeps IPv6 literals in brackets and normalises numeric IPv4 spellings", () => {
    expect(parseTarget("tcp://[::1]:8080")).toEqual({ kind: "tcp", host: "::1", port: 8080 });
    expect(parseTarget("tcp://[2001:DB8::1]:1-3")).toMatchObject({ host: "2001:db8::1", port: 1, portEnd: 3 });
    expect(parseTarget("tcp://2130706433:80")).toMatchObject({ host: "127.0.0.1" });
    expect(parseTarget("tcp://0x7f.1:80")).toMatchObject({ host: "127.0.0.1" });
    expect(parseTarget("tcp://0177.0.0.1:80")).toMatchObject({ host: "127.0.0.1" });
  });

  it("parses tls with servername and ca file", () => {
    expect(parseTarget("tls://10.0.0.1:8443?servername=api.test&ca=/etc/lab-ca.pem")).toEqual({
      kind: "tls", host: "10.0.0.1", port: 8443, servername: "api.test", caFile: "/etc/lab-ca.pem",
    });
    expect(parseTarget("tls://host")).toMatchObject({ port: 443 });
    expect(parseTarget("tls://host?certMinDays=30")).toEqual({ kind: "tls", host: "host", port: 443, certMinDays: 30 });
    expect(parseTarget("https://host/?certMinDays=0")).toMatchObject({ certMinDays: 0, path: "/" });
    // Plain http has no certificate: the parameter is the server's.
    expect(parseTarget("http://host/?certMinDays=3")).toMatchObject({ path: "/?certMinDays=3" });
  });

  it("parses http(s) with a status range and keeps other query parameters in the path", () => {
    expect(parseTarget("https://api.test/health?x=1&expect=200-299&y=%20")).toEqual({
      kind: "http", scheme: "https", host: "api.test", port: 443, path: "/health?x=1&y=%20", status: { min: 200, max: 299 },
    });
    expect(parseTarget("http://[::1]:8080")).toEqual({
      kind: "http", scheme: "http", host: "::1", port: 8080, path: "/", status: { min: 200, max: 399 },
    });
    expect(parseTarget("https://h/?expect=204")).toMatchObject({ status: { min: 204, max: 204 } });
    expect(parseTarget("https://h/?expect=blocked")).toMatchObject({ expect: "blocked", path: "/" });
  });

  it("parses dns with and without a resolver", () => {
    expect(parseTarget("dns://127.0.0.1:5353/cp0.konghq.test?type=aaaa")).toEqual({
      kind: "dns", resolver: { host: "127.0.0.1", port: 5353 }, name: "cp0.konghq.test", recordType: "AAAA",
    });
    expect(parseTarget("dns:///_sip._tcp.example.com?type=SRV")).toEqual({ kind: "dns", name: "_sip._tcp.example.com", recordType: "SRV" });
    expect(parseTarget("dns://[::1]/a.test")).toMatchObject({ resolver: { host: "::1", port: 53 }, recordType: "A" });
  });

  it("parses udp payloads and icmp fallback ports", () => {
    expect(parseTarget("udp://host:53?payload=0A0b")).toEqual({ kind: "udp", host: "host", port: 53, payloadHex: "0a0b" });
    expect(parseTarget("icmp://host")).toEqual({ kind: "icmp", host: "host", fallbackPort: 443 });
    expect(parseTarget("icmp://host?port=22&expect=blocked")).toEqual({ kind: "icmp", host: "host", fallbackPort: 22, expect: "blocked" });
  });

  it("keeps addresses=first on every kind that fans out, http(s) included (not passed on to the server)", () => {
    for (const uri of ["tcp://h:1", "tls://h:1", "http://h/", "https://h/x?y=1", "udp://h:1"]) {
      const target = parseTarget(`${uri}${uri.includes("?") ? "&" : "?"}addresses=first`);
      expect(target.addresses).toBe("first");
      expect(parseTarget(formatTarget(target))).toEqual(target);
    }
    expect(parseTarget("https://h/x?y=1&addresses=first")).toMatchObject({ path: "/x?y=1" });
    expect(parseTarget("http://h/?addresses=all").addresses).toBeUndefined();
    expect(() => parseTarget("http://h/?addresses=some")).toThrow(/addresses must be first or all/);
  });

  it("accepts expect=blocked on every kind", () => {
    for (const uri of ["tcp://h:1", "tls://h:1", "http://h", "dns:///h", "udp://h:1", "icmp://h"]) {
      expect(parseTarget(`${uri}${uri.includes("?") ? "&" : "?"}expect=blocked`).expect).toBe("blocked");
    }
  });

  it.each([
    ["", "empty target"],
    ["example.com:443", "expected scheme://"],
    ["ftp://h:21", "unknown scheme ftp"],
    ["tcp://h", "tcp needs a port"],
    ["tcp://h:0", "outside 1-65535"],
    ["tcp://h:70000", "outside 1-65535"],
    ["tcp://h:20-10", "reversed"],
    ["tcp://h:http", "not a number"],
    ["tcp://::1:443", "IPv6 addresses go in brackets"],
    ["tcp://[::g]:443", "not an IPv6 address"],
    ["tcp://[::1", "unclosed ["],
    ["tcp://[::1]x:443", "unclosed ["],
    ["tcp://user@h:443", "user information"],
    ["tcp://h$x:443", "not a valid host name"],
    ["tcp://1.2.3.256:1", "not a valid host name or IPv4"],
    ["tcp://h:1/path", "take no path"],
    ["tcp://h:1?foo=1", "unknown parameter foo"],
    ["tcp://h:1?expect=200", "expect must be blocked or reachable"],
    ["udp://h:53?payload=abc", "payload must be hex"],
    ["dns://127.0.0.1", "dns needs a name"],
    ["dns:///x?type=PTR", "unknown record type PTR"],
    ["icmp://h:443", "icmp has no port"],
    ["https://h/?expect=600", "expect must be blocked, a status"],
    ["https://h/?expect=399-200", "reversed"],
    ["tls://h?certMinDays=-1", "certMinDays must be a whole number of days from 0 to 3650"],
    ["https://h/?certMinDays=3651", "certMinDays must be a whole number"],
    ["tcp://h:1?certMinDays=3", "unknown parameter certMinDays"],
  ])("rejects %j with a one-line reason", (uri, reason) => {
    let error: unknown;
    try {
      parseTarget(uri);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidTargetError);
    expect((error as Error).message).toContain(reason);
    expect((error as Error).message).not.toContain("\n");
  });

  it("formats back to an equivalent canonical URI", () => {
    for (const uri of [
      "tcp://[::1]:80-90",
      "tls://h:8443?servername=x.test&ca=%2Ftmp%2Fca.pem&expect=blocked",
      "tls://h:443?certMinDays=30",
      "tls://h:443?groups=X25519MLKEM768:X25519",
      "https://h/?certMinDays=7&groups=P-256",
      "https://h:8443/a?b=1&expect=200-299",
      "http://h/",
      "dns://127.0.0.1:5353/a.test?type=MX",
      "dns:///a.test",
      "udp://h:53?payload=00ff",
      "icmp://[::1]?port=22",
    ]) {
      const target = parseTarget(uri);
      expect(formatTarget(target)).toBe(uri);
      expect(parseTarget(formatTarget(target))).toEqual(target);
    }
  });

  it("tells the kind of a URI", () => {
    expect(kindOfUri("https://x")).toBe("http");
    expect(kindOfUri("TCP://x:1")).toBe("tcp");
    expect(kindOfUri("gopher://x")).toBeUndefined();
  });
});

describe("parseTargetCached", () => {
  it("parses a URI once and hands back the same frozen target after that", () => {
    const uri = "http://cache.lab.test:8080/health?expect=200-204";
    const first = parseTargetCached(uri);
    expect(first).toEqual(parseTarget(uri));
    expect(parseTargetCached(uri)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen((first as { status: object }).status)).toBe(true);
    expect(() => {
      (first as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it("throws for an invalid URI every time instead of remembering it", () => {
    expect(() => parseTargetCached("tcp://cache.lab.test")).toThrow(InvalidTargetError);
    expect(() => parseTargetCached("tcp://cache.lab.test")).toThrow(/needs a port/);
  });
});
