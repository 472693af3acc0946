import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./index.js";
import { closedUdpPort, udpEcho, udpSink, type Listening } from "./test-servers/index.js";

let echo: Listening, sink: Listening, closedPort: number;
const ctx = { region: "r", checkId: "u", timeoutMs: 300 };

beforeAll(async () => {
  echo = await udpEcho();
  sink = await udpSink();
  closedPort = await closedUdpPort();
});
afterAll(async () => {
  await echo.close();
  await sink.close();
});

describe("udp prober", () => {
  it("passes on a reply and records it", async () => {
    const [result] = await probe(`udp://127.0.0.1:${echo.port}?payload=c0ffee`, ctx);
    expect(result).toMatchObject({ kind: "udp", status: "pass", outcome: "udp_reply", remoteAddress: "127.0.0.1", detail: { sentBytes: 3, replyBytes: 3, replyHex: "c0ffee" } });
  });

  it("fails on ICMP port unreachable (udp_closed)", async () => {
    const [result] = await probe(`udp://127.0.0.1:${closedPort}?payload=00`, ctx);
    expect(result).toMatchObject({ status: "fail", outcome: "udp_closed" });
  });

  it("calls silence udp_no_reply and inconclusive, never a pass, whatever the expectation", async () => {
    const [quiet] = await probe(`udp://127.0.0.1:${sink.port}?payload=00`, ctx);
    expect(quiet).toMatchObject({ status: "inconclusive", outcome: "udp_no_reply", detail: { meaning: "open or filtered" } });
    expect(quiet!.durationMs).toBeGreaterThanOrEqual(290);
    const [blocked] = await probe(`udp://127.0.0.1:${sink.port}?payload=00&expect=blocked`, ctx);
    expect(blocked).toMatchObject({ status: "inconclusive", outcome: "udp_no_reply" });
  });

  it("passes expect=blocked on a closed port and fails it on a reply", async () => {
    const [closed] = await probe(`udp://127.0.0.1:${closedPort}?expect=blocked`, ctx);
    expect(closed).toMatchObject({ status: "pass", outcome: "udp_closed" });
    const [reply] = await probe(`udp://127.0.0.1:${echo.port}?payload=01&expect=blocked`, ctx);
    expect(reply).toMatchObject({ status: "fail", outcome: "udp_reply" });
  });

  it("speaks UDP over IPv6", async () => {
    const v6 = await udpEcho("::1");
    try {
      const [result] = await probe(`udp://[::1]:${v6.port}?payload=ab`, ctx);
      expect(result).toMatchObject({ outcome: "udp_reply", remoteAddress: "::1", detail: { replyHex: "ab" } });
    } finally {
      await v6.close();
    }
  });

  it("sends from the region's source address", async () => {
    const [result] = await probe(`udp://127.0.0.1:${echo.port}?payload=01`, { ...ctx, localAddress: "127.0.0.2" });
    expect(result).toMatchObject({ outcome: "udp_reply", egressIp: "127.0.0.2" });
  });
});
