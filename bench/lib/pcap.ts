/**
 * Minimal pcap reader for the timing bench's ground truth: IPv4 TCP/UDP packets with their
 * capture timestamps (tcpdump writes them with --time-stamp-precision=nano).
 */
import { readFileSync } from "node:fs";

export interface Packet {
  /** Capture time in milliseconds since the epoch, with sub-microsecond fraction. */
  timeMs: number;
  proto: "tcp" | "udp";
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  /** TCP flags byte (SYN 0x02, ACK 0x10, FIN 0x01, RST 0x04, PSH 0x08); 0 for UDP. */
  flags: number;
  payloadLength: number;
  /** First bytes of the payload (enough to tell a TLS record type). */
  payloadHead: Buffer;
}

const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;

const ip4 = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

export function readPcap(file: string): Packet[] {
  const buf = readFileSync(file);
  if (buf.length < 24) return [];
  const magic = buf.readUInt32LE(0);
  const little = magic === 0xa1b23c4d || magic === 0xa1b2c3d4;
  const nano = magic === 0xa1b23c4d || magic === 0x4d3cb2a1;
  const u32 = (at: number) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const linkType = u32(20);
  const packets: Packet[] = [];
  for (let at = 24; at + 16 <= buf.length; ) {
    const seconds = u32(at);
    const fraction = u32(at + 4);
    const captured = u32(at + 8);
    const frame = buf.subarray(at + 16, at + 16 + captured);
    at += 16 + captured;
    let ipAt = 0;
    if (linkType === LINKTYPE_ETHERNET) {
      if (frame.readUInt16BE(12) !== 0x0800) continue;
      ipAt = 14;
    } else if (linkType === LINKTYPE_LINUX_SLL) {
      if (frame.readUInt16BE(14) !== 0x0800) continue;
      ipAt = 16;
    } else if (linkType !== LINKTYPE_RAW) {
      throw new Error(`unsupported pcap link type ${linkType}`);
    }
    if (frame.length < ipAt + 20 || frame[ipAt]! >> 4 !== 4) continue;
    const headerLength = (frame[ipAt]! & 0x0f) * 4;
    const totalLength = frame.readUInt16BE(ipAt + 2);
    const protocol = frame[ipAt + 9];
    const l4 = ipAt + headerLength;
    const timeMs = seconds * 1000 + fraction / (nano ? 1e6 : 1e3);
    const base = { timeMs, src: ip4(frame, ipAt + 12), dst: ip4(frame, ipAt + 16), srcPort: frame.readUInt16BE(l4), dstPort: frame.readUInt16BE(l4 + 2) };
    if (protocol === 6) {
      const dataAt = l4 + (frame[l4 + 12]! >> 4) * 4;
      const payloadLength = ipAt + totalLength - dataAt;
      packets.push({ ...base, proto: "tcp", flags: frame[l4 + 13]!, payloadLength, payloadHead: frame.subarray(dataAt, dataAt + 8) });
    } else if (protocol === 17) {
      packets.push({ ...base, proto: "udp", flags: 0, payloadLength: frame.readUInt16BE(l4 + 4) - 8, payloadHead: frame.subarray(l4 + 8, l4 + 16) });
    }
  }
  return packets;
}
