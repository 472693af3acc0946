/**
 * Ground truth for the timing bench, from packets captured on the client's side of the link:
 * TCP handshake (SYN → SYN/ACK), TLS handshake (ClientHello → the client's Finished, and the
 * server's last handshake packet before it for reference), first byte (request → first response payload)
 * and DNS (query → response).
 */
import { TCP_ACK, TCP_SYN, type Packet } from "./pcap.js";

export interface Flow {
  clientPort: number;
  packets: Packet[];
}

/** TCP connections from `client` to `server:port`, in the order they were opened. */
export function tcpFlows(packets: Packet[], client: string, server: string, port: number): Flow[] {
  const flows = new Map<number, Packet[]>();
  for (const p of packets) {
    if (p.proto !== "tcp") continue;
    const outbound = p.src === client && p.dst === server && p.dstPort === port;
    const inbound = p.src === server && p.dst === client && p.srcPort === port;
    if (!outbound && !inbound) continue;
    const clientPort = outbound ? p.srcPort : p.dstPort;
    if (!flows.has(clientPort)) {
      // A flow starts with its SYN; anything else first is a leftover of an older connection.
      if (!(outbound && p.flags & TCP_SYN && !(p.flags & TCP_ACK))) continue;
      flows.set(clientPort, []);
    }
    flows.get(clientPort)!.push(p);
  }
  return [...flows.entries()].map(([clientPort, list]) => ({ clientPort, packets: list })).sort((a, b) => a.packets[0]!.timeMs - b.packets[0]!.timeMs);
}

const isOut = (flow: Flow, p: Packet) => p.srcPort === flow.clientPort;

export function connectTruth(flow: Flow): number | undefined {
  const syn = flow.packets.find((p) => isOut(flow, p) && p.flags & TCP_SYN);
  const synAck = flow.packets.find((p) => !isOut(flow, p) && p.flags & TCP_SYN && p.flags & TCP_ACK);
  return syn && synAck ? synAck.timeMs - syn.timeMs : undefined;
}

/**
 * The TLS handshake as the client lives it: ClientHello → the client's Finished, the handshake's
 * last message (RFC 8446 § 4.4.4), which the client sends once it has checked the server's flight.
 * That is the span `tlsMs` reports: it includes the client verifying the server.
 */
export function tlsTruth(flow: Flow): number | undefined {
  const exchange = tlsExchange(flow);
  return exchange?.finished ? exchange.finished.timeMs - exchange.hello.timeMs : undefined;
}

/** ClientHello → the server's last handshake packet: the wire's share of `tlsTruth`, without the client's own work. */
export function tlsServerFlightTruth(flow: Flow): number | undefined {
  const exchange = tlsExchange(flow);
  const last = exchange?.flight.at(-1);
  return exchange && last ? last.timeMs - exchange.hello.timeMs : undefined;
}

function tlsExchange(flow: Flow): { hello: Packet; flight: Packet[]; finished?: Packet } | undefined {
  const clientData = flow.packets.filter((p) => isOut(flow, p) && p.payloadLength > 0);
  const hello = clientData[0];
  if (!hello || hello.payloadHead[0] !== 0x16) return undefined;
  const finished = clientData[1];
  const nextClient = finished?.timeMs ?? Infinity;
  const flight = flow.packets.filter((p) => !isOut(flow, p) && p.payloadLength > 0 && p.timeMs > hello.timeMs && p.timeMs < nextClient);
  if (flight.length === 0) return undefined;
  return finished ? { hello, flight, finished } : { hello, flight };
}

export function firstByteTruth(flow: Flow): number | undefined {
  const request = flow.packets.find((p) => isOut(flow, p) && p.payloadLength > 0);
  const response = request && flow.packets.find((p) => !isOut(flow, p) && p.payloadLength > 0 && p.timeMs > request.timeMs);
  return request && response ? response.timeMs - request.timeMs : undefined;
}

/** A ground-truth duration and when (capture clock, ms since the epoch) the exchange began. */
export interface Truth {
  startMs: number;
  ms: number;
}

/** Applies a per-flow truth function, keeping when each flow started (its SYN). */
export function flowTruths(flows: Flow[], of: (flow: Flow) => number | undefined): Truth[] {
  return flows.flatMap((flow) => {
    const ms = of(flow);
    return ms === undefined ? [] : [{ startMs: flow.packets[0]!.timeMs, ms }];
  });
}

/** Query → response times of UDP exchanges with `server:port`, in query order. */
export function udpExchanges(packets: Packet[], client: string, server: string, port: number): Truth[] {
  const pending = new Map<number, number>();
  const times: Array<{ at: number; ms: number }> = [];
  for (const p of packets) {
    if (p.proto !== "udp") continue;
    if (p.src === client && p.dst === server && p.dstPort === port) pending.set(p.srcPort, p.timeMs);
    else if (p.src === server && p.dst === client && p.srcPort === port) {
      const sent = pending.get(p.dstPort);
      if (sent !== undefined) {
        pending.delete(p.dstPort);
        times.push({ at: sent, ms: p.timeMs - sent });
      }
    }
  }
  return times.sort((a, b) => a.at - b.at).map((t) => ({ startMs: t.at, ms: t.ms }));
}

/** Time the client spent between completing the TCP handshake and sending its first byte. */
export function clientIdleAfterConnect(flow: Flow): number | undefined {
  const synAck = flow.packets.find((p) => !isOut(flow, p) && p.flags & TCP_SYN && p.flags & TCP_ACK);
  const firstData = flow.packets.find((p) => isOut(flow, p) && p.payloadLength > 0);
  return synAck && firstData ? firstData.timeMs - synAck.timeMs : undefined;
}
