/**
 * N distinct TCP targets for plans that claim N checks: one listener per target, spread over
 * loopback addresses 127.20.x.y (all of 127/8 is local on Linux, nothing leaves the host), each on
 * a free port. Run as its own process so serving does not weigh on the measured client.
 * Prints one JSON line { targets: ["127.20.0.1:40123", …] }; on a stdin line "count" prints
 * { accepted, targetsHit, peakOpen, fdLimit } (connections accepted in total, listeners that accepted at
 * least one, the most accepted sockets open at once, the process's descriptor limit);
 * exits when stdin closes. argv: count
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import { createInterface } from "node:readline";

const count = Number(process.argv[2] ?? 10_000);
const PER_ADDRESS = 250;
const accepted: number[] = new Array(count).fill(0);
const acceptErrors = new Map<string, number>();
let open = 0;
let peakOpen = 0;

// N listeners take N descriptors before one connection is accepted, and an accepted socket holds one
// until this process sees the client's close. Past the limit, libuv accepts and closes connections
// silently (its EMFILE path): the client saw a SYN/ACK and passed, the count missed it (the scale
// bench's gap: 12,500 listeners + 7,474 open sockets = the limit of 20,000). So each connection is
// counted and closed at once, and the report says how close the process came to its limit.
const fdLimit = Number(/Max open files\s+(\d+)/.exec(readFileSync("/proc/self/limits", "utf8"))?.[1] ?? NaN);

/** The i-th loopback address: 127.20.0.1 … 127.20.0.250, 127.20.1.1 … */
const loopbackAddress = (i: number) => `127.20.${Math.floor(i / PER_ADDRESS)}.${(i % PER_ADDRESS) + 1}`;

const servers = await Promise.all(
  Array.from(
    { length: count },
    (_, i) =>
      new Promise<net.Server>((resolve, reject) => {
        const server = net.createServer((socket) => {
          accepted[i]! += 1;
          peakOpen = Math.max(peakOpen, ++open);
          socket.on("close", () => (open -= 1));
          socket.on("error", () => {});
          socket.destroy();
        });
        server.once("error", reject);
        server.listen({ host: loopbackAddress(i), port: 0, backlog: 511 }, () => {
          server.off("error", reject);
          server.on("error", (error: NodeJS.ErrnoException) => acceptErrors.set(error.code ?? error.message, (acceptErrors.get(error.code ?? error.message) ?? 0) + 1));
          resolve(server);
        });
      }),
  ),
);
const targets = servers.map((s) => {
  const { address, port } = s.address() as net.AddressInfo;
  return `${address}:${port}`;
});
process.stdout.write(JSON.stringify({ targets }) + "\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() !== "count") return;
  process.stdout.write(JSON.stringify({ accepted: accepted.reduce((a, b) => a + b, 0), targetsHit: accepted.filter((n) => n > 0).length, peakOpen, fdLimit, acceptErrors: Object.fromEntries(acceptErrors) }) + "\n");
});
process.stdin.on("end", () => {
  for (const server of servers) server.close();
  process.exit(0);
});
