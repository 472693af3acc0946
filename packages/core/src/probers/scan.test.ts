import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultContext } from "./context.js";
import { dialerFor } from "./dialer.js";
import { scanPorts } from "./scan.js";
import { closedTcpPort, tcpListener, type Listening } from "./test-servers/index.js";
import { RttEstimator } from "./timing.js";

let listener: Listening;
let closed: number[];
beforeAll(async () => {
  listener = await tcpListener();
  closed = [await closedTcpPort(), await closedTcpPort(), await closedTcpPort()];
});
afterAll(() => listener.close());

describe("scanPorts", () => {
  it.each([
    ["node's TCP handles", defaultContext()],
    ["ctx.connect sockets", defaultContext({ connect: (opts) => defaultContext().connect(opts) })],
  ])("tells open from closed ports through %s and learns the RTT from every answer", async (_name, ctx) => {
    const estimator = new RttEstimator();
    const report = await scanPorts({ address: "127.0.0.1", family: 4, ports: [listener.port, ...closed], dial: dialerFor(ctx), estimator, budgetMs: 2000, maxParallel: 2 });
    expect(report.open.map((entry) => entry.port)).toEqual([listener.port]);
    expect(report).toMatchObject({ closed: 3, filtered: 0, timeouts: 0, notScanned: 0, stats: { tries: 4, retransmissions: 0 } });
    expect(estimator.samples).toBe(4);
  });

  it("counts a port the connect function refuses as refused, never dialled", async () => {
    const refusing = defaultContext({ connect: () => { throw Object.assign(new Error("guard"), { outcome: "invalid_target" }); } });
    const report = await scanPorts({ address: "127.0.0.1", family: 4, ports: closed, dial: dialerFor(refusing), estimator: new RttEstimator(), budgetMs: 2000, maxParallel: 8 });
    expect(report).toMatchObject({ refused: 3, closed: 0, open: [], errors: { invalid_target: 3 } });
  });

  it("stops on abort and says how many ports were not scanned", async () => {
    const abort = new AbortController();
    abort.abort();
    const report = await scanPorts({ address: "127.0.0.1", family: 4, ports: closed, dial: dialerFor(defaultContext()), estimator: new RttEstimator(), budgetMs: 2000, maxParallel: 8, signal: abort.signal });
    expect(report.notScanned).toBe(3);
  });
});
