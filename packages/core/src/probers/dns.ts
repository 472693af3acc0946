import { randomInt } from "node:crypto";
import * as nodeDns from "node:dns";
import dnsPacket from "dns-packet";
import type { Outcome } from "../result/index.js";
import { Clock, connectOutcome, describeError, failureResult, makeResult, ProbeFailure, resolveHost } from "./common.js";
import { exchangeDatagram } from "./udp.js";
import type { Prober } from "./types.js";

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
    resolved = await resolveHost(server.host, ctx, clock);
  } catch (error) {
    return [failureResult(error, target, ctx, clock)];
  }
  const id = randomInt(0, 0x10000);
  const query = dnsPacket.encode({
    type: "query",
    id,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type: target.recordType, name: target.name.replace(/\.$/, "") }],
  });
  const resolverDetail = { resolver: `${server.host}:${server.port}`, ...(resolved.dnsMs === undefined ? {} : { resolverLookupMs: resolved.dnsMs }) };
  const seen = await exchangeDatagram(ctx, { address: resolved.address, family: resolved.family, port: server.port }, query, clock.remaining(), (message) => message.readUInt16BE(0) === id);
  const fail = (outcome: Outcome, detail: Record<string, unknown>, rttMs?: number) =>
    [makeResult(target, ctx, clock, {
      outcome,
      phases: rttMs === undefined ? {} : { dnsMs: rttMs },
      remoteAddress: resolved.address,
      detail: { ...resolverDetail, ...detail },
    })];
  switch (seen.kind) {
    case "silent":
      return fail("dns_timeout", { waitedMs: clock.elapsed() });
    case "closed":
      return fail("dns_error", { error: "resolver port closed (ICMP port unreachable)" }, seen.rttMs);
    case "error": {
      const outcome = connectOutcome(seen.cause);
      return fail(outcome === "host_unreachable" ? "dns_error" : outcome, describeError(seen.cause));
    }
    case "reply":
      break;
  }
  let response: dnsPacket.Packet;
  try {
    response = dnsPacket.decode(seen.message);
  } catch (error) {
    return fail("dns_error", { error: `malformed answer: ${(error as Error).message}` }, seen.rttMs);
  }
  const rcode = (response as { rcode?: string }).rcode ?? "NOERROR";
  const answers = (response.answers ?? []).map(describeAnswer);
  const truncated = Boolean((response as { flag_tc?: boolean }).flag_tc);
  const detail = { rcode, answers, ...(truncated ? { truncated: true } : {}) };
  if (rcode === "NXDOMAIN") return fail("dns_nxdomain", detail, seen.rttMs);
  if (rcode !== "NOERROR") return fail("dns_error", detail, seen.rttMs);
  if (!answers.some((answer) => answer.type === target.recordType)) {
    return fail("dns_error", { ...detail, error: `no ${target.recordType} record` }, seen.rttMs);
  }
  return [makeResult(target, ctx, clock, { outcome: "ok", phases: { dnsMs: seen.rttMs }, remoteAddress: resolved.address, detail: { ...resolverDetail, ...detail } })];
};

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
  const data = (answer as { data?: unknown }).data;
  return {
    name: answer.name,
    type: answer.type,
    ...("ttl" in answer && typeof answer.ttl === "number" ? { ttl: answer.ttl } : {}),
    data: Buffer.isBuffer(data) ? data.toString("utf8") : Array.isArray(data) ? data.map((part) => (Buffer.isBuffer(part) ? part.toString("utf8") : part)) : data,
  };
}
