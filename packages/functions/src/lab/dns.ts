import * as dgram from "node:dgram";
import * as dnsPacket from "dns-packet";

/** NXDOMAIN in the low four bits of the DNS header flags. */
const RCODE_NXDOMAIN = 3;

export interface LabDnsOptions {
  /** Lower-case host name (no trailing dot) → its lab IPv4 address, or several (one A record each, in order). */
  records: ReadonlyMap<string, string | readonly string[]>;
  /** Per-region fault: true when the query from `source` for `name` must get NXDOMAIN. */
  nxdomain?: (source: string, name: string) => boolean;
  host?: string;
}

export interface LabDns {
  /** `127.0.0.1:port`, the form `dnsLookup({ server })` takes. */
  server: string;
  /** Queries answered, by source address (what each region asked). */
  queries: Map<string, number>;
  close(): Promise<void>;
}

/**
 * The lab DNS responder: answers every lab host name with its 127.x address (A; several for a name
 * behind several addresses), NODATA for
 * other types, NXDOMAIN for names it does not know — and NXDOMAIN where a per-region fault
 * says so, decided by the query's source address (each region queries from its own 127.x).
 */
export async function startLabDns(options: LabDnsOptions): Promise<LabDns> {
  const socket = dgram.createSocket("udp4");
  const queries = new Map<string, number>();
  socket.on("message", (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return; // not DNS: a real server drops it too
    }
    queries.set(remote.address, (queries.get(remote.address) ?? 0) + 1);
    const reply = answer(query, remote.address, options);
    socket.send(dnsPacket.encode(reply), remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = socket.address();
  return {
    server: `${address}:${port}`,
    queries,
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function answer(query: dnsPacket.Packet, source: string, options: LabDnsOptions): dnsPacket.Packet {
  const question = query.questions?.[0];
  const recursionDesired = (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED;
  const reply: dnsPacket.Packet = {
    id: query.id ?? 0,
    type: "response",
    flags: dnsPacket.AUTHORITATIVE_ANSWER | recursionDesired,
    questions: query.questions ?? [],
    answers: [],
  };
  if (!question) return reply;
  const name = question.name.toLowerCase().replace(/\.$/, "");
  const address = options.records.get(name);
  if (address === undefined || options.nxdomain?.(source, name)) {
    reply.flags = (reply.flags ?? 0) | RCODE_NXDOMAIN;
    return reply;
  }
  if (question.type === "A") {
    reply.answers = [address].flat().map((data) => ({ type: "A" as const, class: "IN" as const, name: question.name, ttl: 5, data }));
  }
  return reply;
}
