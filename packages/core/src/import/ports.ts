/** Port and protocol words, in every spelling vendor pages use: "500, 4500", "135 and 445", "10000-10100", "53 (UDP)", "8071 TCP/UDP", "UDP/123". */
import type { Protocol } from "../catalog/schema.js";
import { cleanText } from "./cells.js";

export interface PortSpec {
  port?: number;
  portEnd?: number;
}

export interface PortCell {
  ports: PortSpec[];
  /** Protocols written inside the port cell: "53 (UDP)", "8071 TCP/UDP", "ICMP". */
  protocols?: Protocol[];
  /** "Custom", "user-defined": the customer chooses the port. */
  custom?: boolean;
  /** "443 or 4443": either port, as the page words it. */
  alternatives?: string;
}

/** Protocol words a port cell or a sentence may carry. */
export const PROTOCOL_WORD = String.raw`(?:tcp\s*\/\s*udp|udp\s*\/\s*tcp|tcp\s*\/\s*ssl|tcp\s*\/\s*tls|tcp|udp|https?|wss|ws|grpcs?|m?tls|ssl|icmp)`;
const PROTOCOL_WORDS = new RegExp(String.raw`\b${PROTOCOL_WORD}\b`, "gi");
/** "443", "9300-9400", "10000 to 10100". */
const RANGE = String.raw`\d{1,5}(?:\s*(?:-|–|—|\bto\b|\bthrough\b)\s*\d{1,5})?`;
/** "500, 4500", "135 and 445", "80, 443 or 8443". */
export const PORT_LIST = String.raw`${RANGE}(?:\s*(?:,|\/|&|\band\b|\bor\b|,\s*and\b|,\s*or\b)\s*${RANGE})*`;
const CUSTOM = /^(custom|configurable|user[- ]defined|any|varies|dynamic|ephemeral)$/i;

/** Protocol of one word: HTTPS → https; TLS, SSL, WSS → tls; HTTP, gRPC, WS → tcp (TLS not stated). */
function protocolOfWord(word: string): Protocol[] | undefined {
  const w = word.toLowerCase().replace(/\s+/g, "");
  if (w === "tcp/udp" || w === "udp/tcp") return ["tcp", "udp"];
  if (w === "tcp/ssl" || w === "tcp/tls" || w === "tls" || w === "mtls" || w === "ssl" || w === "wss") return ["tls"];
  if (w === "https" || w === "http2" || w === "grpcs") return ["https"];
  if (w === "tcp" || w === "http" || w === "grpc" || w === "ws") return ["tcp"];
  if (w === "udp") return ["udp"];
  if (w === "icmp") return ["icmp"];
  return undefined;
}

/** Protocols named by several words: HTTPS or TLS win over TCP (they run over it). */
export function protocolsOfWords(words: readonly string[]): Protocol[] | undefined {
  const found = new Set<Protocol>();
  for (const w of words) {
    const p = protocolOfWord(w);
    if (!p) return undefined;
    p.forEach((x) => found.add(x));
  }
  if (found.size === 0) return undefined;
  if (found.has("https") || found.has("tls")) found.delete("tcp");
  if (found.has("https") && found.has("tls")) found.delete("tls");
  return [...found];
}

/** Parses a list of ports and ranges ("9200, 9300-9400", "135 and 445"); undefined if anything else is in it. */
export function parsePortList(text: string): PortSpec[] | undefined {
  const parts = text
    .replace(/[()]/g, " ")
    .replace(/\s*(?:–|—|\bto\b|\bthrough\b)\s*/g, "-")
    .split(/\s*(?:,|\/|&|\bor\b|\band\b|\s)\s*/)
    .filter(Boolean);
  const ports: PortSpec[] = [];
  for (const part of parts) {
    const range = /^(\d{1,5})\s*-\s*(\d{1,5})$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a >= b || b > 65535) return undefined;
      ports.push({ port: a, portEnd: b });
    } else if (/^\d{1,5}$/.test(part) && Number(part) <= 65535) {
      ports.push({ port: Number(part) });
    } else {
      return undefined;
    }
  }
  return ports.length ? ports : undefined;
}

/** Parses "443", "9200, 9300-9400", "80/(443 or 4443)", "53 (UDP)", "TCP 443", "8071 TCP/UDP", "ICMP", "Custom". */
export function parsePortCell(raw: string): PortCell | undefined {
  const text = cleanText(raw);
  if (CUSTOM.test(text)) return { ports: [], custom: true };
  const words: string[] = [];
  const body = text
    .replace(PROTOCOL_WORDS, (w) => {
      words.push(w);
      return " ";
    })
    .replace(/\bports?\b|\bonly\b/gi, " ")
    .replace(/\(\s*\)|^[\s/,]+|[\s/,]+$/g, " ")
    .trim();
  const protocols = words.length ? protocolsOfWords(words) : undefined;
  if (words.length && !protocols) return undefined;
  if (body === "") return protocols?.length === 1 && protocols[0] === "icmp" ? { ports: [], protocols } : undefined;
  const ports = parsePortList(body.replace(/^[/\s]+|[/\s]+$/g, ""));
  if (!ports) return undefined;
  const alternatives = /\b\d+ or \d+\b/.exec(body)?.[0];
  return { ports, ...(protocols ? { protocols } : {}), ...(alternatives ? { alternatives } : {}) };
}

/** "TCP" → [tcp]; "TCP <br> UDP", "TCP/UDP" → [tcp, udp]; "TCP <br>HTTPS" → [https]; "TCP/SSL" → [tls]. */
export function parseProtocolCell(raw: string): Protocol[] | undefined {
  const text = cleanText(raw).toLowerCase();
  const words = text.split(/[^a-z0-9]+/).filter((w) => w !== "" && w !== "and" && w !== "or" && w !== "2");
  if (words.length === 0) return undefined;
  if (/tcp\s*\/\s*(ssl|tls)/.test(text)) return ["tls"];
  return protocolsOfWords(words.map((w) => (w === "http2" ? "https" : w)));
}
