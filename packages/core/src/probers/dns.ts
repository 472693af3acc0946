import { randomInt } from "node:crypto";
import * as nodeDns from "node:dns";
import dnsPacket from "dns-packet";
import type { Outcome, ProbeResult } from "../result/index.js";
import type { DnsRecordType, Target } from "../target/index.js";
import { Clock, connectOutcome, describeError, failureResult, literalAddress, makeResult, ProbeFailure, resolveHost } from "./common.js";
import { exchangeDatagram } from "./udp.js";
import type { ProbeContext, Prober } from "./types.js";

/**
 * DNS query to the resolver in the URI (default: the system's first nameserver), over `ctx.udpSocket`.
 * NXDOMAIN → dns_nxdomain, silence → dns_timeout, anything else that is not an answer → dns_error.
 */
export const probeDns: Prober = async (target, ctx) => {
  if (target.kind !== "dns") throw new TypeError(`probeDns got a ${target.kind} target`);
  const clock = new Clock(ctx);
  let server: { host: string; port: number };
  let resolved: Awaited<ReturnType<typeof resolveHost>>;
  try {
    server = target.resolver ?? systemResolver();
    resolved = literalAddress(server.host) ?? (await resolveHost(server.host, ctx, clock));
  } catch (error) {
    return [failureResult(error, target, ctx, clock)];
  }
  const id = randomInt(0, 0x10000);
  const query = encodeQuery(target.name, target.recordType, id);
  const answered: DnsAnswered = { target, ctx, clock, address: resolved.address, resolver: `${server.host}:${server.port}`, resolverLookupMs: resolved.dnsMs };
  const seen = await exchangeDatagram(ctx, { address: resolved.address, family: resolved.family, port: server.port }, query, clock.remaining(), (message) => message.length >= 2 && message.readUInt16BE(0) === id);
  switch (seen.kind) {
    case "silent":
      return dnsResult(answered, "dns_timeout", { waitedMs: clock.elapsed() });
    case "closed":
      return dnsResult(answered, "dns_error", { error: "resolver port closed (ICMP port unreachable)" }, seen.rttMs);
    case "error": {
      const outcome = connectOutcome(seen.cause);
      return dnsResult(answered, outcome === "host_unreachable" ? "dns_error" : outcome, describeError(seen.cause));
    }
    case "reply":
      break;
  }
  let response: dnsPacket.Packet;
  try {
    response = dnsPacket.decode(seen.message);
  } catch (error) {
    return dnsResult(answered, "dns_error", { error: `malformed answer: ${(error as Error).message}` }, seen.rttMs);
  }
  const rcode = (response as { rcode?: string }).rcode ?? "NOERROR";
  const answers = (response.answers ?? []).map(describeAnswer);
  const detail: Record<string, unknown> = { rcode, answers };
  if ((response as { flag_tc?: boolean }).flag_tc) detail.truncated = true;
  if (rcode === "NXDOMAIN") return dnsResult(answered, "dns_nxdomain", detail, seen.rttMs);
  if (rcode !== "NOERROR") return dnsResult(answered, "dns_error", detail, seen.rttMs);
  if (!answers.some((answer) => answer.type === target.recordType)) {
    detail.error = `no ${target.recordType} record`;
    return dnsResult(answered, "dns_error", detail, seen.rttMs);
  }
  return dnsResult(answered, "ok", detail, seen.rttMs);
};

// A query's bytes differ only in the 16-bit id, so each (name, type) is encoded once and copied.
const encodedQueries = new Map<string, Buffer>();
const MAX_ENCODED_QUERIES = 4096;

/** The wire form of a recursive query for `name`/`type` with `id`. */
export function encodeQuery(name: string, type: DnsRecordType, id: number): Buffer {
  const key = `${type} ${name}`;
  let template = encodedQueries.get(key);
  if (!template) {
    template = dnsPacket.encode({ type: "query", id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name: name.endsWith(".") ? name.slice(0, -1) : name }] });
    if (encodedQueries.size >= MAX_ENCODED_QUERIES) encodedQueries.delete(encodedQueries.keys().next().value!);
    encodedQueries.set(key, template);
  }
  const query = Buffer.allocUnsafe(template.length);
  template.copy(query);
  query.writeUInt16BE(id, 0);
  return query;
}

/** What every dns result carries, whatever the outcome. */
interface DnsAnswered {
  target: Target;
  ctx: ProbeContext;
  clock: Clock;
  address: string;
  resolver: string;
  resolverLookupMs: number | undefined;
}

/** One result; `dnsMs` is the query's round trip when an answer (or an ICMP error) came back. */
function dnsResult(answered: DnsAnswered, outcome: Outcome, detail: Record<string, unknown>, rttMs?: number): ProbeResult[] {
  const resolverDetail: Record<string, unknown> = { resolver: answered.resolver };
  if (answered.resolverLookupMs !== undefined) resolverDetail.resolverLookupMs = answered.resolverLookupMs;
  return [makeResult(answered.target, answered.ctx, answered.clock, {
    outcome,
    phases: rttMs === undefined ? {} : { dnsMs: rttMs },
    remoteAddress: answered.address,
    detail: Object.assign(resolverDetail, detail),
  })];
}

/** The first nameserver node knows (from /etc/resolv.conf), as host and port. */
function systemResolver(): { host: string; port: number } {
  const first = nodeDns.getServers()[0];
  if (!first) throw new ProbeFailure("dns_error", { error: "no system resolver configured" });
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(first);
  if (bracketed) return { host: bracketed[1]!, port: Number(bracketed[2]) };
  const v4 = /^([\d.]+):(\d+)$/.exec(first);
  if (v4) return { host: v4[1]!, port: Number(v4[2]) };
  return { host: first, port: 53 };
}

function describeAnswer(answer: dnsPacket.Answer): { name: string; type: string; ttl?: number; data: unknown } {
  const described: { name: string; type: string; ttl?: number; data: unknown } = { name: answer.name, type: answer.type, data: undefined };
  if ("ttl" in answer && typeof answer.ttl === "number") described.ttl = answer.ttl;
  const data = (answer as { data?: unknown }).data;
  described.data = Buffer.isBuffer(data) ? data.toString("utf8") : Array.isArray(data) ? data.map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : part)) : data;
  return described;
}
