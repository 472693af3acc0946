import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probe } from "./index.js";
import { closedTcpPort, tcpListener, type Listening } from "./test-servers/index.js";

let listener: Listening;
const ctx = { region: "r", checkId: "i", timeoutMs: 1000 };

beforeAll(async () => {
  listener = await tcpListener();
});
afterAll(() => listener.close());

describe("icmp prober", () => {
  it("says unsupported (inconclusive) and offers a labelled TCP fallback", async () => {
    const [result] = await probe(`icmp://127.0.0.1?port=${listener.port}`, ctx);
    expect(result).toMatchObject({
      kind: "icmp",
      status: "inconclusive",
      outcome: "unsupported",
      detail: { fallback: { kind: "tcp", label: `TCP connect to port ${listener.port}, not ICMP`, port: listener.port, outcome: "ok" } },
    });
    expect(result!.phases.connectMs).toBeUndefined();
    expect((result!.detail!.fallback as { connectMs: number }).connectMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps the fallback's failure inside the fallback, still unsupported", async () => {
    const port = await closedTcpPort();
    const [result] = await probe(`icmp://127.0.0.1?port=${port}&expect=blocked`, ctx);
    expect(result).toMatchObject({ status: "inconclusive", outcome: "unsupported", expect: "blocked", detail: { fallback: { outcome: "tcp_refused" } } });
  });
});
