/**
 * Target side of the rounds bench, run inside the target namespace: plain TCP listeners on the given ports
 * of every address (0.0.0.0) and the lab DNS on `dnsHost`, answering the plan's names (some with several
 * addresses). Prints `{ dns }` (the `host:port` for `dnsLookup`) as one JSON line, serves until stdin closes.
 * argv JSON: { ports, dnsHost, shape } (the records come from rounds-plan.ts)
 */
import net from "node:net";
import { startLabDns } from "../../packages/functions/src/lab/dns.js";
import { labRecords, type BenchShape } from "./rounds-plan.js";

interface Args {
  ports: number[];
  dnsHost: string;
  shape: BenchShape;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const servers = await Promise.all(args.ports.map((port) => new Promise<net.Server>((resolve, reject) => {
  const server = net.createServer((socket) => socket.on("error", () => {}).resume());
  server.once("error", reject);
  server.listen({ host: "0.0.0.0", port, backlog: 4096 }, () => resolve(server));
})));
const dns = await startLabDns({ records: new Map(Object.entries(labRecords(args.shape))), host: args.dnsHost });
process.stdout.write(JSON.stringify({ dns: dns.server }) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  for (const server of servers) server.close();
  await dns.close();
  process.exit(0);
});
