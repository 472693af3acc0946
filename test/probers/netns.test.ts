/**
 * Outcomes that need the network to misbehave: silent drops (timeouts), unreachable / prohibit /
 * blackhole routes, port-range scans. Everything happens between the host and namespaces this suite
 * creates and removes; scans never touch the host's own loopback.
 */
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dnsLookup, probe } from "../../packages/core/src/probers/index.js";
import { dnsResponder } from "../../packages/core/src/probers/test-servers/index.js";
import type { ProbeResult } from "../../packages/core/src/result/index.js";
import { assertNetnsAvailable, findFreeSubnet, useNetns } from "../support/netns.js";

const TIMEOUT_MS = 300;
const ctx = { region: "netns", checkId: "fault", timeoutMs: TIMEOUT_MS };
const RANGE_START = 20000;
const OPEN = [RANGE_START + 3, RANGE_START + 17, RANGE_START + 40];
const DROPPED_TCP = [RANGE_START + 50, RANGE_START + 51, 81];
const DROPPED_UDP = 5353;
/** Closed ports behind a lossy path: every other SYN to them is dropped (numgen inc: deterministic with one connect at a time). */
const LOSSY = [RANGE_START + 100, RANGE_START + 109];

// Fail loudly (not skip) where namespaces are impossible: CI runs as root.
assertNetnsAvailable();

describe("faults between the host and a namespace", () => {
  const netns = useNetns({ beforeAll, afterAll }, async (ns) => {
    await ns.nft(`
      table inet probemesh_faults {
        chain input {
          type filter hook input priority 0; policy accept;
          tcp dport { ${DROPPED_TCP.join(", ")} } drop
          tcp dport ${LOSSY[0]}-${LOSSY[1]} tcp flags & (syn | ack) == syn numgen inc mod 2 == 0 drop
          udp dport ${DROPPED_UDP} drop
        }
      }`);
    const listener = ns.spawn("node", ["--import", "tsx", "test/probers/fixtures/inside.ts", "listen", ...OPEN.map(String)]);
    const [chunk] = (await once(listener.stdout!, "data")) as [Buffer];
    expect(chunk.toString()).toContain("ready");
    const unreachable = await findFreeSubnet();
    await ns.addHostRoute(["unreachable", `${ns.subnet}.50/32`]);
    await ns.addHostRoute(["prohibit", `${ns.subnet}.51/32`]);
    await ns.addHostRoute(["blackhole", `${ns.subnet}.52/32`]);
    // Routed into the namespace, which does not forward: packets vanish without an answer.
    await ns.addHostRoute([`${unreachable}.0/24`, "via", ns.nsAddress]);
    nowhere = `${unreachable}.9`;
  });
  let nowhere = "";

  it("reaches an open port in the namespace and gets refused on a closed one", async () => {
    const [open] = await probe(`tcp://${netns().nsAddress}:${OPEN[0]}`, ctx);
    expect(open).toMatchObject({ outcome: "ok", status: "pass", remoteAddress: netns().nsAddress });
    const [closed] = await probe(`tcp://${netns().nsAddress}:82`, ctx);
    expect(closed).toMatchObject({ outcome: "tcp_refused", status: "fail" });
  });

  it("times out on an nftables drop (tcp_timeout), which a blocked expectation passes", async () => {
    const [dropped] = await probe(`tcp://${netns().nsAddress}:81`, ctx);
    expect(dropped).toMatchObject({ outcome: "tcp_timeout", status: "fail" });
    expect(dropped!.durationMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    const [blocked] = await probe(`tcp://${netns().nsAddress}:81?expect=blocked`, ctx);
    expect(blocked).toMatchObject({ outcome: "tcp_timeout", status: "pass", expect: "blocked" });
  });

  it("times out through a namespace that does not forward", async () => {
    const [result] = await probe(`tcp://${nowhere}:443`, ctx);
    expect(result).toMatchObject({ outcome: "tcp_timeout", status: "fail" });
    const [https] = await probe(`https://${nowhere}/`, ctx);
    expect(https).toMatchObject({ outcome: "tcp_timeout", status: "fail" });
  });

  it.each([
    ["unreachable", 50, "EHOSTUNREACH"],
    ["prohibit", 51, "EACCES"],
    ["blackhole", 52, "EINVAL"],
  ])("reports a %s route as host_unreachable with its errno", async (_type, host, errno) => {
    const [result] = await probe(`tcp://${netns().subnet}.${host}:443`, ctx);
    expect(result).toMatchObject({ outcome: "host_unreachable", status: "fail", detail: { errno } });
    const [tls] = await probe(`tls://${netns().subnet}.${host}:443?expect=blocked`, ctx);
    expect(tls).toMatchObject({ outcome: "host_unreachable", status: "pass" });
  });

  it("keeps udp silence behind a drop inconclusive, and sees a closed port as closed", async () => {
    const [dropped] = await probe(`udp://${netns().nsAddress}:${DROPPED_UDP}?payload=00`, ctx);
    expect(dropped).toMatchObject({ outcome: "udp_no_reply", status: "inconclusive" });
    const [closed] = await probe(`udp://${netns().nsAddress}:${DROPPED_UDP + 1}?payload=00`, ctx);
    expect(closed).toMatchObject({ outcome: "udp_closed", status: "fail" });
    const [unreachable] = await probe(`udp://${netns().subnet}.50:53?payload=00`, ctx);
    expect(unreachable).toMatchObject({ outcome: "host_unreachable", status: "fail" });
  });

  it("scans a port range: exactly the open ports, closed and filtered counted", async () => {
    const results = await probe(`tcp://${netns().nsAddress}:${RANGE_START}-${RANGE_START + 63}`, { ...ctx, checkId: "range", rangeConcurrency: 16 });
    const summary = results.at(-1)!;
    const perPort = results.slice(0, -1);
    expect(perPort.map((r) => r.target)).toEqual(OPEN.map((port) => `tcp://${netns().nsAddress}:${port}`));
    expect(perPort.every((r) => r.outcome === "ok" && r.status === "pass")).toBe(true);
    expect(perPort.map((r) => r.checkId)).toEqual(OPEN.map((port) => `range-${port}`));
    expect(summary).toMatchObject({
      target: `tcp://${netns().nsAddress}:${RANGE_START}-${RANGE_START + 63}`,
      checkId: "range",
      outcome: "tcp_timeout",
      status: "fail",
      detail: { ports: 64, open: 3, closed: 59, filtered: 2, openPorts: OPEN, concurrency: 16 },
    });
    // Each dropped port got its SYN sent again before it was called filtered.
    expect((summary.detail!.timing as { retransmissions: number }).retransmissions).toBeGreaterThanOrEqual(2);
  });

  it("retransmits SYNs a lossy path dropped: every port answered, and the window backed off", async () => {
    const range = `${LOSSY[0]}-${LOSSY[1]}`;
    const [summary] = await probe(`tcp://${netns().nsAddress}:${range}?expect=blocked`, { ...ctx, rangeConcurrency: 1 });
    expect(summary).toMatchObject({ status: "pass", outcome: "tcp_refused", detail: { ports: 10, closed: 10, filtered: 0, timing: { retransmissions: 10 } } });
    expect((summary!.detail!.timing as { drops: number }).drops).toBeGreaterThanOrEqual(1);
  });

  it("probes every address of a name and fails when one of them fails; ?addresses=first probes the first only", async () => {
    const unreachable = `${netns().subnet}.50`;
    const dns = await dnsResponder({ "two.lab.test": [{ type: "A", data: netns().nsAddress }, { type: "A", data: unreachable }] });
    try {
      const resolver = dnsLookup({ server: `127.0.0.1:${dns.port}`, timeoutMs: 1000 });
      let lookups = 0;
      const lookup: typeof resolver = (host) => (lookups++, resolver(host));
      const [both] = await probe(`tcp://two.lab.test:${OPEN[0]}`, { ...ctx, lookup });
      // One lookup for the whole fan-out: each address's probe is pinned to its answer.
      expect(lookups).toBe(1);
      expect(both).toMatchObject({ status: "fail", outcome: "host_unreachable", remoteAddress: unreachable });
      expect(both!.phases.dnsMs).toBeGreaterThanOrEqual(0);
      expect(both!.detail!.addresses).toEqual([
        expect.objectContaining({ address: netns().nsAddress, status: "pass", outcome: "ok", phases: expect.objectContaining({ connectMs: expect.any(Number) }) }),
        expect.objectContaining({ address: unreachable, status: "fail", outcome: "host_unreachable", errno: "EHOSTUNREACH" }),
      ]);
      const [first] = await probe(`tcp://two.lab.test:${OPEN[0]}?addresses=first`, { ...ctx, lookup });
      expect(first).toMatchObject({ status: "pass", outcome: "ok", remoteAddress: netns().nsAddress, target: `tcp://two.lab.test:${OPEN[0]}?addresses=first` });
      expect(first!.detail?.addresses).toBeUndefined();
      // http(s) takes ?addresses=first too: it is probemesh's parameter, not one passed on to the server.
      const [httpBoth] = await probe(`http://two.lab.test:${OPEN[0]}/`, { ...ctx, lookup });
      expect(httpBoth!.detail!.addresses).toEqual([expect.objectContaining({ address: netns().nsAddress }), expect.objectContaining({ address: unreachable, outcome: "host_unreachable" })]);
      const [httpFirst] = await probe(`http://two.lab.test:${OPEN[0]}/?addresses=first`, { ...ctx, lookup });
      expect(httpFirst).toMatchObject({ remoteAddress: netns().nsAddress, target: `http://two.lab.test:${OPEN[0]}/?addresses=first` });
      expect(httpFirst!.detail?.addresses).toBeUndefined();
    } finally {
      await dns.close();
    }
  });

  it("passes a blocked range only when no port is open", async () => {
    const [closedSummary] = await probe(`tcp://${netns().nsAddress}:${RANGE_START + 4}-${RANGE_START + 10}?expect=blocked`, ctx);
    expect(closedSummary).toMatchObject({ status: "pass", detail: { open: 0, closed: 7 } });
    const withOpen = await probe(`tcp://${netns().nsAddress}:${RANGE_START}-${RANGE_START + 5}?expect=blocked`, ctx);
    expect(withOpen.map((r: ProbeResult) => r.status)).toEqual(["fail", "fail"]);
  });
});

describe("a dual-stack name from a namespace without IPv6 routes", () => {
  // Only loopback and the veth's IPv4 subnet: like a Lambda outside a VPC, this host has no route to fd00:99::/64.
  const netns = useNetns({ beforeAll, afterAll });
  const PORT = 40020;

  it("probes only the addresses it has a route to, names the others, and still fails a family that is alone or routed", async () => {
    const output = await netns().exec("node", [
      "--import", "tsx", "test/probers/fixtures/inside.ts", "probe", `--listen=${PORT}`,
      "--hosts=dual.test=127.0.0.1,fd00:99::1;loopback6.test=127.0.0.1,::1;v6only.test=fd00:99::1", String(TIMEOUT_MS),
      `tcp://dual.test:${PORT}`, `tcp://loopback6.test:${PORT}`, `tcp://v6only.test:${PORT}`,
    ]);
    const [[dual], [loopback6], [v6only]] = JSON.parse(output) as [ProbeResult[], ProbeResult[], ProbeResult[]];
    expect(dual).toMatchObject({ status: "pass", outcome: "ok", remoteAddress: "127.0.0.1", detail: { unroutedAddresses: ["fd00:99::1"] } });
    // ::1 has a route (loopback) and nothing listens there on IPv6: probed, and the name fails.
    expect(loopback6).toMatchObject({ status: "fail", outcome: "tcp_refused" });
    expect(loopback6!.detail!.addresses).toEqual([
      expect.objectContaining({ address: "127.0.0.1", outcome: "ok" }),
      expect.objectContaining({ address: "::1", outcome: "tcp_refused" }),
    ]);
    expect(loopback6!.detail!.unroutedAddresses).toBeUndefined();
    expect(v6only).toMatchObject({ status: "fail", outcome: "host_unreachable", detail: { errno: "ENETUNREACH" } });
  });
});

describe("a scan of the namespace's own loopback", () => {
  const SELF_PORT = 40005;
  const netns = useNetns({ beforeAll, afterAll }, async (ns) => {
    // One ephemeral port: every connect leaves from 40005, so probing 40005 connects to itself.
    await ns.exec("sysctl", ["-qw", `net.ipv4.ip_local_port_range=${SELF_PORT} ${SELF_PORT}`]);
  });

  it("never reports a TCP self-connect as an open port", async () => {
    const output = await netns().exec("node", [
      "--import", "tsx", "test/probers/fixtures/inside.ts", "probe", "--listen=40010", String(TIMEOUT_MS),
      "tcp://127.0.0.1:40000-40012", `tcp://127.0.0.1:${SELF_PORT}`,
    ]);
    const [results, [single]] = JSON.parse(output) as [ProbeResult[], ProbeResult[]];
    expect(results.map((r) => r.target)).toEqual(["tcp://127.0.0.1:40010", "tcp://127.0.0.1:40000-40012"]);
    expect(results.at(-1)).toMatchObject({ detail: { open: 1, closed: 12, filtered: 0, selfConnects: 1, openPorts: [40010] } });
    expect(single).toMatchObject({ outcome: "tcp_refused", status: "fail", detail: { selfConnect: true } });
  });
});
