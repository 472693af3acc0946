import type { Check } from "@probemesh/core/check";
import { probe } from "@probemesh/core/probers";
import type { ProbeResult } from "@probemesh/core/result";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLab, type Lab } from "../../packages/functions/src/lab/index.js";

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const check = (target: string, product: string): Check => ({ checkId: target.replace(/\W+/g, "-"), target, product });

const CHECKS = [
  check("tls://kong-cp.lab.example:443", "kong-konnect"),
  check("tcp://kong-cp.lab.example:8071", "kong-konnect"),
  check("tcp://app.strongdm.com:443", "strongdm"),
  check("https://circleci.lab.example/healthz", "circleci-server"),
  check("udp://circleci.lab.example:8125?payload=6869", "circleci-server"),
  check("tcp://auth0-node.lab.example:9300-9400", "auth0-private-cloud"),
  check("tcp://nomad.lab.example:64535-65535", "circleci-server"),
  check("icmp://auth0-node.lab.example", "auth0-private-cloud"),
  check("udp://1.1.1.1:53", "strongdm"),
];

describe("the lab: loopback stand-ins with per-region faults, probed by the real probers", () => {
  let lab: Lab;
  const results = new Map<string, ProbeResult[]>();
  const get = (region: string, target: string) => results.get(`${region} ${target}`) ?? [];

  beforeAll(async () => {
    lab = await startLab({
      checks: CHECKS,
      regions: REGIONS,
      faults: [
        { kind: "slow", region: "us-east-1", delayMs: 300 },
        { kind: "hang", region: "us-east-1", host: "circleci.lab.example", port: 443 },
        { kind: "refused", region: "eu-west-1", host: "kong-cp.lab.example", port: 443 },
        { kind: "nxdomain", region: "ap-southeast-2", host: "app.strongdm.com" },
      ],
    });
    const probeAll = (checks: Check[]) =>
      Promise.all(
        REGIONS.flatMap((region) =>
          checks.map(async (c) => {
            const out = await probe(c.target, { ...lab.contextFor(region), checkId: c.checkId, timeoutMs: 1500 });
            results.set(`${region} ${c.target}`, out);
          }),
        ),
      );
    // The range scans (1,100 connects a region) go after the timed probes, so they cannot hold up a handshake.
    const isRange = (c: Check) => /:\d+-\d+$/.test(c.target);
    await probeAll(lab.checks.filter((c) => !isRange(c)));
    await probeAll(lab.checks.filter(isRange));
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it("never probes what it cannot stand in for: a literal public address is skipped with the reason", () => {
    expect(lab.skipped).toEqual([
      expect.objectContaining({ target: "udp://1.1.1.1:53", reason: expect.stringMatching(/outside loopback/) }),
    ]);
    expect(lab.checks).toHaveLength(CHECKS.length - 1);
    for (const address of lab.hosts.values()) expect(address).toMatch(/^127\./);
  });

  it("a healthy region passes TLS with the lab CA, keeps the real port in the target and the lab port in detail", () => {
    const [tls] = get("eu-west-1", "tcp://kong-cp.lab.example:8071");
    expect(tls).toMatchObject({ status: "pass", outcome: "ok", target: "tcp://kong-cp.lab.example:8071", region: "eu-west-1" });
    expect(tls!.detail?.labPort).toEqual(expect.any(Number));
    expect(tls!.detail?.labPort).not.toBe(8071);
    expect(tls!.remoteAddress).toMatch(/^127\.77\./);
    expect(tls!.egressIp).toBe("127.0.0.12");
    const [handshake] = get("ap-southeast-2", "tls://kong-cp.lab.example:443");
    expect(handshake).toMatchObject({ status: "pass", outcome: "ok" });
    const [https] = get("eu-west-1", "https://circleci.lab.example/healthz");
    expect(https).toMatchObject({ status: "pass", outcome: "ok" });
  });

  it("refused: the faulted region is sent to a closed port and says so", () => {
    const [refused] = get("eu-west-1", "tls://kong-cp.lab.example:443");
    expect(refused).toMatchObject({ status: "fail", outcome: "tcp_refused" });
    expect(String(refused!.detail?.labNote)).toMatch(/lab fault: eu-west-1/);
  });

  it("nxdomain: the lab DNS answers NXDOMAIN to that region only", () => {
    expect(get("ap-southeast-2", "tcp://app.strongdm.com:443")[0]).toMatchObject({ status: "fail", outcome: "dns_nxdomain" });
    expect(get("us-east-1", "tcp://app.strongdm.com:443")[0]).toMatchObject({ status: "pass", outcome: "ok" });
  });

  it("slow: the slow region's handshakes include the lab delay and still pass", () => {
    const slow = get("us-east-1", "tls://kong-cp.lab.example:443")[0]!;
    expect(slow.status).toBe("pass");
    // The lab holds the connection 300 ms from accept. Node timers may fire ~1 ms early against
    // another clock, so allow a few ms below it for the whole probe…
    expect(slow.durationMs).toBeGreaterThanOrEqual(295);
    // …and all of it after name resolution (the client connects only once the lab DNS answered,
    // and the hold starts at accept), with some of it in the TLS handshake. How the client's clock
    // splits it between connect, building the ClientHello and tlsMs depends on the machine's load:
    // runs with two files at a time measured tlsMs 71 ms of the 300, and 290.56 ms after connectMs.
    expect(slow.durationMs - (slow.phases.dnsMs ?? 0)).toBeGreaterThanOrEqual(295);
    expect(slow.phases.tlsMs).toBeGreaterThan(0);
  });

  it("hang: a listener that accepts but never answers makes the handshake time out in that region", () => {
    const [stuck] = get("us-east-1", "https://circleci.lab.example/healthz");
    expect(stuck!.status).toBe("fail");
    expect(["http_timeout", "tls_handshake_failed"]).toContain(stuck!.outcome);
  });

  it("a range is served as a real host has it: the stand-in's ports listen, the rest refuse, and the row passes", () => {
    for (const region of REGIONS) {
      const elastic = get(region, "tcp://auth0-node.lab.example:9300-9400");
      expect(elastic.map((r) => [r.target, r.status])).toEqual([
        ["tcp://auth0-node.lab.example:9300", "pass"],
        ["tcp://auth0-node.lab.example:9300-9400", "pass"],
      ]);
      expect(elastic.at(-1)).toMatchObject({ outcome: "ok", detail: { ports: 101, open: 1, closed: 100, filtered: 0, openPorts: [9300] } });
      const ssh = get(region, "tcp://nomad.lab.example:64535-65535").at(-1)!;
      expect(ssh).toMatchObject({ status: "pass", outcome: "ok", detail: { ports: 1001, open: 2, closed: 999, filtered: 0, openPorts: [64535, 65001] } });
    }
    // One listener per open port; the rest of the range falls through the port map to the host's closed port.
    const routes = Object.keys(lab.networkFor("eu-west-1").routes).filter((key) => key.startsWith("nomad.lab.example:"));
    expect(routes).toEqual(["nomad.lab.example:64535", "nomad.lab.example:65001"]);
  });

  it("UDP stand-ins answer (udp_reply), ICMP stays unsupported", () => {
    expect(get("eu-west-1", "udp://circleci.lab.example:8125?payload=6869")[0]).toMatchObject({ outcome: "udp_reply" });
    const icmp = get("eu-west-1", "icmp://auth0-node.lab.example")[0]!;
    expect(icmp).toMatchObject({ status: "inconclusive", outcome: "unsupported" });
  });

  it("each region queried the lab DNS from its own source address", () => {
    expect(REGIONS.map((region) => lab.regionAddress(region))).toEqual(["127.0.0.11", "127.0.0.12", "127.0.0.13"]);
    for (const region of REGIONS) expect(lab.dnsQueries.get(lab.regionAddress(region))).toBeGreaterThan(0);
  });
});
