import { describe, expect, it } from "vitest";
import { BlockedTargetError, checkTarget, createGuard, DEFAULT_POLICY, LAB_POLICY, parseIp, policyFromEnv } from "./index.js";

const guard = createGuard(DEFAULT_POLICY);

function blockOf(fn: () => unknown): BlockedTargetError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BlockedTargetError) return err;
    throw err;
  }
  throw new Error("expected a BlockedTargetError, nothing was thrown");
}

describe("address spellings", () => {
  it.each([
    ["2130706433", "127.0.0.1"],
    ["0177.0.0.1", "127.0.0.1"],
    ["0x7f.1", "127.0.0.1"],
    ["0x7F.0.0.1", "127.0.0.1"],
    ["127.1", "127.0.0.1"],
    ["127.0.1", "127.0.0.1"],
    ["0", "0.0.0.0"],
    ["0xa9fea9fe", "169.254.169.254"],
    ["10.1", "10.0.0.1"],
    ["127.0.0.1.", "127.0.0.1"],
    ["::ffff:127.0.0.1", "::ffff:7f00:1"],
    ["[::1]", "::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["0:0:0:0:0:0:0:1", "::1"],
  ])("%s is %s", (text, canonical) => {
    expect(parseIp(text)?.text).toBe(canonical);
  });

  it.each(["256.0.0.1", "0x100000000", "09.0.0.1", "1.2.3.4.5", "example.com", "1.2.3.256"])("%s is not an IPv4 address", (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe("denied ranges", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["2130706433", "loopback"],
    ["0177.0.0.1", "loopback"],
    ["0x7f.1", "loopback"],
    ["127.1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "metadata"],
    ["169.254.1.1", "link-local"],
    ["100.64.0.1", "cgnat"],
    ["100.127.255.255", "cgnat"],
    ["224.0.0.251", "multicast"],
    ["239.255.255.250", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["0.0.0.0", "this-network"],
    ["0.1.2.3", "this-network"],
    ["198.18.0.1", "benchmark"],
    ["198.19.255.255", "benchmark"],
    ["192.0.2.1", "documentation"],
    ["198.51.100.1", "documentation"],
    ["203.0.113.1", "documentation"],
    ["192.0.0.8", "reserved"],
    ["::", "unspecified"],
    ["::1", "loopback"],
    ["fe80::1", "link-local"],
    ["febf::1", "link-local"],
    ["fc00::1", "unique-local"],
    ["fd12:3456::1", "unique-local"],
    ["fd00:ec2::254", "metadata"],
    ["ff02::1", "multicast"],
    ["2001:db8::1", "documentation"],
    ["::ffff:127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "loopback"],
    ["::ffff:169.254.169.254", "metadata"],
    ["::ffff:10.0.0.1", "private"],
    ["64:ff9b::10.0.0.1", "private"],
    ["64:ff9b::a9fe:a9fe", "metadata"],
    ["64:ff9b::7f00:1", "loopback"],
    ["2002:7f00:1::", "loopback"],
    ["2002:c0a8:101::1", "private"],
    ["::127.0.0.1", "reserved"],
    ["100::1", "discard"],
    ["64:ff9b:1::1", "nat64-local"],
  ])("%s is refused as %s", (host, range) => {
    const error = blockOf(() => guard.assertAddress(host));
    expect(error.reason).toBe("blocked_address");
    expect(error.info.range).toBe(range);
  });

  it.each(["8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.1", "172.32.0.1", "198.20.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "%s is allowed",
    (host) => {
      expect(() => guard.assertAddress(host)).not.toThrow();
    },
  );

  it("refuses a name handed to an address check (it must come out of the guarded lookup)", () => {
    expect(blockOf(() => guard.assertAddress("example.com")).reason).toBe("unresolved_host");
    expect(blockOf(() => guard.assertAddress("08.1")).reason).toBe("invalid_target");
  });

  it("an allowlist opens a named range, and only that range", () => {
    const vpc = createGuard({ ...DEFAULT_POLICY, allow: [{ name: "vpc", cidr: "10.20.0.0/16" }] });
    expect(vpc.assertAddress("10.20.3.4").text).toBe("10.20.3.4");
    expect(vpc.assertAddress("::ffff:10.20.3.4").text).toBe("::ffff:a14:304");
    expect(blockOf(() => vpc.assertAddress("10.21.0.1")).info.range).toBe("private");
    expect(blockOf(() => vpc.assertAddress("127.0.0.1")).info.range).toBe("loopback");
  });

  it("the lab policy opens loopback and nothing else", () => {
    const lab = createGuard(LAB_POLICY);
    for (const host of ["127.0.0.1", "127.0.0.53", "::1", "::ffff:127.0.0.1", "2130706433"]) expect(() => lab.assertAddress(host)).not.toThrow();
    for (const host of ["169.254.169.254", "10.0.0.1", "192.168.0.1", "fe80::1"]) expect(() => lab.assertAddress(host)).toThrow(BlockedTargetError);
  });

  it("a malformed allowlist fails when the guard is created", () => {
    expect(() => createGuard({ ...DEFAULT_POLICY, allow: [{ name: "x", cidr: "10.0.0.0/33" }] })).toThrow(/CIDR/);
  });
});

describe("ports", () => {
  it("allows the documented defaults and refuses the rest", () => {
    for (const port of [22, 25, 53, 80, 123, 443, 587, 1024, 8071, 65535]) expect(() => guard.assertPorts(port)).not.toThrow();
    for (const port of [1, 21, 23, 111, 135, 445, 1023]) expect(blockOf(() => guard.assertPorts(port)).info.port).toBe(port);
    expect(() => guard.assertPorts(64535, 65535)).not.toThrow();
    expect(blockOf(() => guard.assertPorts(1000, 2000)).info.port).toBe(1000);
    expect(blockOf(() => guard.assertPorts(443, 450)).info.port).toBe(444);
  });

  it("reads ports and named ranges from the environment", () => {
    const policy = policyFromEnv({ PROBEMESH_GUARD_PORTS: "443, 8000-8100", PROBEMESH_GUARD_ALLOW: "corp-vpc=10.1.0.0/16" });
    expect(policy.ports).toEqual([
      { from: 443, to: 443 },
      { from: 8000, to: 8100 },
    ]);
    expect(policy.allow).toEqual([{ name: "corp-vpc", cidr: "10.1.0.0/16" }]);
    expect(() => policyFromEnv({ PROBEMESH_GUARD_PORTS: "0-10" })).toThrow(/PROBEMESH_GUARD_PORTS/);
    expect(() => policyFromEnv({ PROBEMESH_GUARD_ALLOW: "nocidr" })).toThrow(/PROBEMESH_GUARD_ALLOW/);
  });
});

describe("checkTarget", () => {
  it.each([
    ["tcp://127.0.0.1:443", "loopback"],
    ["http://2130706433/", "loopback"],
    ["tcp://0177.0.0.1:80", "loopback"],
    ["http://0x7f.1/", "loopback"],
    ["tcp://127.1:22", "loopback"],
    ["tcp://[::1]:443", "loopback"],
    ["tcp://[::ffff:127.0.0.1]:443", "loopback"],
    ["tcp://[::ffff:7f00:1]:443", "loopback"],
    ["tcp://[64:ff9b::a00:1]:443", "private"],
    ["http://169.254.169.254/latest/meta-data/", "metadata"],
    ["https://[fd00:ec2::254]/", "metadata"],
    ["tcp://[fe80::1]:443", "link-local"],
    ["tcp://localhost:443", "loopback"],
    ["https://api.localhost/", "loopback"],
    ["dns://10.0.0.2/example.com", "private"],
    ["udp://224.0.0.251:5353", "multicast"],
    ["icmp://192.168.1.1", "private"],
    ["tls://100.64.0.1:443", "cgnat"],
    ["tcp://10.0.0.1:64535-65535", "private"],
  ])("%s is refused (%s)", (uri, range) => {
    const error = blockOf(() => checkTarget(uri, guard));
    expect(error.reason).toBe("blocked_address");
    expect(error.info.range).toBe(range);
  });

  it("refuses ports outside the policy, in single ports and ranges", () => {
    expect(blockOf(() => checkTarget("tcp://example.com:135", guard)).reason).toBe("blocked_port");
    expect(blockOf(() => checkTarget("tcp://example.com:1-2000", guard)).info.port).toBe(1);
    expect(blockOf(() => checkTarget("dns://8.8.8.8:111/example.com", guard)).reason).toBe("blocked_port");
    expect(blockOf(() => checkTarget("icmp://example.com?port=445", guard)).info.port).toBe(445);
  });

  it("refuses parameters that read files on the probe host", () => {
    expect(blockOf(() => checkTarget("tls://example.com:443?ca=/etc/shadow", guard)).reason).toBe("blocked_parameter");
    expect(blockOf(() => checkTarget("https://example.com/?ca=/etc/shadow", guard)).reason).toBe("blocked_parameter");
  });

  it("turns malformed targets into invalid_target with the parser's reason", () => {
    const error = blockOf(() => checkTarget("tcp://example.com", guard));
    expect(error.reason).toBe("invalid_target");
    expect(error.message).toMatch(/port/);
    expect(blockOf(() => checkTarget("http://user@127.0.0.1/", guard)).reason).toBe("invalid_target");
  });

  it("lets public names and addresses through to the guarded lookup", () => {
    expect(checkTarget("tcp://example.com:64535-65535", guard)).toMatchObject({ kind: "tcp", port: 64535, portEnd: 65535 });
    expect(checkTarget("https://api.konghq.com/", guard)).toMatchObject({ kind: "http", host: "api.konghq.com" });
    expect(checkTarget("dns:///example.com?type=AAAA", guard)).toMatchObject({ kind: "dns", name: "example.com" });
    expect(checkTarget("udp://1.1.1.1:53", guard)).toMatchObject({ kind: "udp", host: "1.1.1.1" });
    expect(checkTarget("tcp://127.0.0.1:8443", createGuard(LAB_POLICY))).toMatchObject({ host: "127.0.0.1" });
  });
});
