import { createServer, connect as netConnect, Socket, type AddressInfo } from "node:net";
import { createSocket, type Socket as UdpSocket, type SocketType } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { BlockedTargetError, createGuard, DEFAULT_POLICY, guardContext, LAB_POLICY, type NetworkAccess } from "./index.js";

/**
 * Network entry points that fail the test if they are ever reached with a destination
 * the guard should have refused. `reached` records every call that got through.
 */
function tripwires(answers: (hostname: string, call: number) => string[]) {
  const reached: string[] = [];
  const violations: string[] = [];
  const lookups = new Map<string, number>();
  const isRefused = (address: string) => !/^(93\.184\.216\.34|8\.8\.8\.8|2606:4700::1111)$/.test(address);
  const ctx: NetworkAccess = {
    async lookup(hostname) {
      reached.push(`lookup ${hostname}`);
      const call = (lookups.get(hostname) ?? 0) + 1;
      lookups.set(hostname, call);
      return answers(hostname, call).map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
    },
    connect(opts) {
      reached.push(`connect ${opts.host}:${opts.port}`);
      if (isRefused(opts.host)) violations.push(`connect reached ${opts.host}`);
      // Never open a real socket to a public address from a test: an unconnected Socket stands in.
      return new Socket();
    },
    udpSocket(type: SocketType) {
      const socket = createSocket(type);
      sockets.push(socket);
      socket.send = ((...args: unknown[]) => {
        const address = String(typeof args[1] === "number" && typeof args[2] === "number" ? args[4] : args[2]);
        reached.push(`send ${address}`);
        violations.push(`udp send reached ${address}`);
      }) as UdpSocket["send"];
      socket.connect = ((port: number, address: string) => {
        reached.push(`udp connect ${address}:${port}`);
        violations.push(`udp connect reached ${address}`);
      }) as UdpSocket["connect"];
      return socket;
    },
  };
  return { ctx, reached, violations };
}

const sockets: UdpSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

const guard = createGuard(DEFAULT_POLICY);

function errorOf(socket: Socket): Promise<Error> {
  return new Promise((resolve) => socket.once("error", resolve));
}

describe("guardContext", () => {
  it("refuses literal and odd-spelled addresses without calling the real lookup", async () => {
    const wire = tripwires(() => ["93.184.216.34"]);
    const blocked: BlockedTargetError[] = [];
    const ctx = guardContext(wire.ctx, guard, (e) => blocked.push(e));
    for (const host of ["127.0.0.1", "2130706433", "0x7f.1", "0177.0.0.1", "127.1", "::1", "::ffff:127.0.0.1", "169.254.169.254", "localhost"]) {
      await expect(ctx.lookup(host)).rejects.toBeInstanceOf(BlockedTargetError);
    }
    expect(wire.reached).toEqual([]);
    expect(blocked).toHaveLength(9);
    expect(await ctx.lookup("8.8.8.8")).toEqual([{ address: "8.8.8.8", family: 4 }]);
  });

  it("refuses a name whose answers include a denied address", async () => {
    const wire = tripwires((host) => (host === "mixed.example" ? ["93.184.216.34", "10.0.0.5"] : ["169.254.169.254"]));
    const ctx = guardContext(wire.ctx, guard);
    await expect(ctx.lookup("mixed.example")).rejects.toMatchObject({ reason: "blocked_address", info: { range: "private", host: "mixed.example" } });
    await expect(ctx.lookup("metadata.example")).rejects.toThrow(/metadata\.example resolved to 169\.254\.169\.254/);
    expect(wire.violations).toEqual([]);
  });

  it("DNS rebinding: public on the first answer, loopback on the second, never reaches loopback", async () => {
    const wire = tripwires((_host, call) => (call === 1 ? ["93.184.216.34"] : ["127.0.0.1"]));
    const ctx = guardContext(wire.ctx, guard);
    // A prober resolving, then connecting to what it got: the first round is allowed…
    const [first] = await ctx.lookup("rebind.example");
    ctx.connect({ host: first!.address, port: 443 }).destroy();
    // …the second answer is refused at lookup…
    await expect(ctx.lookup("rebind.example")).rejects.toMatchObject({ info: { address: "127.0.0.1", range: "loopback" } });
    // …and a prober that skips the lookup (or caches the name elsewhere) is refused at connect.
    const socket = ctx.connect({ host: "127.0.0.1", port: 443 });
    expect(await errorOf(socket)).toBeInstanceOf(BlockedTargetError);
    expect(wire.reached).toEqual(["lookup rebind.example", "connect 93.184.216.34:443", "lookup rebind.example"]);
    expect(wire.violations).toEqual([]);
  });

  it("refuses connects to denied addresses, names and ports; the socket never opened", async () => {
    const wire = tripwires(() => []);
    const ctx = guardContext(wire.ctx, guard);
    for (const [host, port, reason] of [
      ["10.0.0.1", 443, "blocked_address"],
      ["::ffff:a9fe:a9fe", 80, "blocked_address"],
      ["fe80::1", 22, "blocked_address"],
      ["example.com", 443, "unresolved_host"],
      ["8.8.8.8", 445, "blocked_port"],
    ] as const) {
      const socket = ctx.connect({ host, port });
      const error = await errorOf(socket);
      expect(error).toMatchObject({ reason });
      expect(socket.remoteAddress).toBeUndefined();
    }
    expect(wire.reached).toEqual([]);
  });

  it("refuses datagrams to denied addresses, to names and to the implicit localhost", async () => {
    const wire = tripwires(() => []);
    const ctx = guardContext(wire.ctx, guard);
    const udp = ctx.udpSocket("udp4");
    const sendError = (...args: unknown[]) =>
      new Promise<Error | null>((resolve) => (udp.send as (...a: unknown[]) => void)(...args, (err: Error | null) => resolve(err)));
    expect(await sendError(Buffer.from("x"), 53, "127.0.0.1")).toMatchObject({ reason: "blocked_address" });
    expect(await sendError(Buffer.from("x"), 0, 1, 53, "192.168.0.1")).toMatchObject({ reason: "blocked_address" });
    expect(await sendError(Buffer.from("x"), 53, "dns.example")).toMatchObject({ reason: "unresolved_host" });
    expect(await sendError(Buffer.from("x"), 53)).toMatchObject({ info: { range: "loopback" } });
    expect(await sendError(Buffer.from("x"))).toMatchObject({ reason: "invalid_target" });
    const connectError = new Promise<Error>((resolve) => udp.once("error", resolve));
    udp.connect(5353, "224.0.0.251");
    expect(await connectError).toMatchObject({ info: { range: "multicast" } });
    expect(wire.reached).toEqual([]);
  });
});

describe("guardContext with real loopback sockets", () => {
  const realNetwork: NetworkAccess = {
    async lookup(hostname) {
      if (hostname === "lab.test") return [{ address: "127.0.0.1", family: 4 }];
      throw new Error(`test resolver only knows lab.test, asked for ${hostname}`);
    },
    connect: (opts) => netConnect({ host: opts.host, port: opts.port }),
    udpSocket: (type) => {
      const socket = createSocket(type);
      sockets.push(socket);
      return socket;
    },
  };

  it("the lab policy reaches a loopback listener; the production policy does not", async () => {
    const accepted: string[] = [];
    const server = createServer((s) => {
      accepted.push(s.remoteAddress ?? "?");
      s.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const lab = guardContext(realNetwork, createGuard(LAB_POLICY));
      const [answer] = await lab.lookup("lab.test");
      const socket = lab.connect({ host: answer!.address, port });
      await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
      socket.destroy();

      const prod = guardContext(realNetwork, createGuard(DEFAULT_POLICY));
      await expect(prod.lookup("lab.test")).rejects.toMatchObject({ info: { range: "loopback" } });
      expect(await errorOf(prod.connect({ host: "127.0.0.1", port }))).toBeInstanceOf(BlockedTargetError);
      await new Promise((r) => setTimeout(r, 20));
      expect(accepted).toEqual(["127.0.0.1"]);
    } finally {
      server.close();
    }
  });

  it("the lab policy sends a real datagram to a loopback listener", async () => {
    const listener = createSocket("udp4");
    sockets.push(listener);
    await new Promise<void>((resolve) => listener.bind(0, "127.0.0.1", resolve));
    const received = new Promise<string>((resolve) => listener.once("message", (msg) => resolve(msg.toString())));
    const udp = guardContext(realNetwork, createGuard(LAB_POLICY)).udpSocket("udp4");
    udp.send(Buffer.from("ping"), listener.address().port, "127.0.0.1");
    expect(await received).toBe("ping");
  });
});
