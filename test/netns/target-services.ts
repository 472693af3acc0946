/**
 * Runs inside the target namespace: the vendor stand-ins the regions probe, built from the lab's
 * own DNS responder and listeners. Prints `{ "dns": "ip:port" }` once serving; exits when stdin
 * closes. argv JSON: TargetServices.
 */
import { startLabDns } from "../../packages/functions/src/lab/dns.js";
import { startListener, type ListenerKind } from "../../packages/functions/src/lab/listeners.js";

export interface TargetServices {
  dnsAddress: string;
  /** host name → address */
  records: Record<string, string>;
  /** NXDOMAIN for `name` when asked from `source` (a region's link address). */
  nxdomain: Array<{ source: string; name: string }>;
  listeners: Array<{ kind: ListenerKind; address: string; port: number }>;
  credentials: { cert: string; key: string };
}

const spec = JSON.parse(process.argv[2] ?? "{}") as TargetServices;
const dns = await startLabDns({
  host: spec.dnsAddress,
  records: new Map(Object.entries(spec.records)),
  nxdomain: (source, name) => spec.nxdomain.some((n) => n.source === source && n.name === name),
});
const listeners = await Promise.all(
  spec.listeners.map((l) => startListener({ ...l, credentials: spec.credentials, treatment: () => ({ kind: "answer" }) })),
);
process.stdout.write(JSON.stringify({ dns: dns.server }) + "\n");
process.stdin.resume();
process.stdin.on("end", async () => {
  await Promise.all([dns.close(), ...listeners.map((l) => l.close())]);
  process.exit(0);
});
