/**
 * Requirements stated in plain sentences: "Allow outbound TCP 443 to a.example.com and b.example.com",
 * "port 4317/tcp", "UDP/123 to your NTP servers", "https://api.example.com", "ICMP to the gateway".
 * Each port mention is paired with the hosts that follow it; a mention with no host is reported.
 */
import type { Direction, Protocol } from "../../catalog/schema.js";
import { cleanText, customerKey, isHostname, parseDestinationCell } from "../cells.js";
import type { Report } from "../draft.js";
import { PORT_LIST, PROTOCOL_WORD, parsePortList, protocolsOfWords, type PortSpec } from "../ports.js";
import { directionOf, levelOf } from "./host-port.js";
import type { LineReader, LineRequirement } from "./types.js";

const AFTER = String.raw`(?:\s*\/\s*(${PROTOCOL_WORD})\b|\s*\((${PROTOCOL_WORD})\)|\s+(${PROTOCOL_WORD})\b)`;
/** Port mentions, most specific first: "TCP 443", "UDP/123"; "port 4317/tcp", "ports 135 and 445"; "8071 TCP/UDP", "53 (UDP)". */
const MENTIONS = [
  new RegExp(String.raw`\b(${PROTOCOL_WORD})(?:\s*\/\s*|\s+)(?:ports?\s+)?(${PORT_LIST})(?!\d|\.\d)`, "gi"),
  new RegExp(String.raw`\bports?\s+(${PORT_LIST})(?!\d|\.\d)${AFTER}?`, "gi"),
  new RegExp(String.raw`(?<![\w.:/-])(${PORT_LIST})${AFTER}`, "gi"),
];
const ICMP = /\bicmp\b/gi;
/** Longer lines are not prose a person wrote; reading them as sentences would cost quadratic time. */
const MAX_SENTENCE_LINE = 4000;
const URL = /\b(https?|wss?):\/\/([A-Za-z0-9*{}<>_.-]+)(?::(\d{1,5}))?/gi;
const HOST = /(?<![\w@/.:-])(?:\*\.)?(?:[A-Za-z0-9_{}<>-]+\.)+[A-Za-z]{2,}(?:\/\d{1,2})?(?![\w/-])|(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,2})?(?![\w.])/g;
const FILE_SUFFIX = /\.(?:ya?ml|json|exe|msi|conf|cfg|txt|md|sh|ps1|deb|rpm|log|pem|crt|key|xml|ini|toml|js|ts|py|zip|gz|html?)$/i;
const PHRASE = /\b(?:to|reach|reaches|with)\s+((?:your|the|an?|each|every|all|any)\s+[^.,;:()]{2,60}?)(?=\s+(?:on|over|via|using|at|for|if|when|unless|so|through|ports?|is|are|must|should|can|and (?:allow|open))\b|[.,;:()]|$)/i;
const FROM_PHRASE = /\bfrom\s+((?:your|the|an?|each|every|all|any)\s+[^.,;:()]{2,60}?)(?=\s+(?:to|on|over|via|using|at|for|if|when)\b|[.,;:()]|$)/i;

interface Mention {
  at: number;
  end: number;
  ports: PortSpec[];
  protocols: Protocol[];
  /** A URL names its own host. */
  host?: string;
}

interface Place {
  at: number;
  destination: string;
  /** The host comes after "from": it is the other side of an inbound rule. */
  source: boolean;
}

export const sentenceLine: LineReader = ({ text, definitions, line }, report) => {
  const whole = cleanText([text.replace(/^\s*(?:[-*+•]|\d+[.)])\s+/, ""), ...definitions].join(" "));
  if (whole.length > MAX_SENTENCE_LINE) {
    if (!MENTIONS.some((m) => new RegExp(m.source, "i").test(whole.slice(0, MAX_SENTENCE_LINE)))) return undefined;
    report.unclassified.push({ line, text: `${whole.slice(0, 80)}…`, reason: `line longer than ${MAX_SENTENCE_LINE} characters; not read as sentences` });
    return [];
  }
  const sentences = whole.split(/(?<=[.!?;])\s+(?=[A-Z`*"(])/);
  const found = sentences.map((s) => ({ s, mentions: mentionsOf(s) })).filter((x) => x.mentions.length > 0);
  if (found.length === 0) return undefined;
  const requirements: LineRequirement[] = [];
  for (const { s, mentions } of found) {
    const context = directionOf(s) ? s : whole;
    const direction = directionOf(context) ?? directionOf(whole);
    const mentionText = s.slice(mentions[0]!.at, mentions[mentions.length - 1]!.end);
    const assumed: Report = { unclassified: [], assumptions: [] };
    if (!direction) assumed.assumptions.push({ line, text: mentionText, reason: "no direction word: taken as egress" });
    const { level, condition } = levelOf(/\b(required|must|mandatory|optional|recommended|if|when|unless)\b/i.test(s) ? s : whole, assumed, line, mentionText);
    const before = requirements.length;
    const places = placesOf(s);
    if (definitions.length > 0 && !places.some((p) => !p.source) && !/\d/.test(text)) {
      places.unshift({ at: 0, destination: parseDestinationCell(text).destination, source: false });
    }
    mentions.forEach((m, k) => {
      const targets = hostsOf(m, k, mentions, places, direction ?? "egress", s);
      if (targets.length === 0) {
        report.unclassified.push({ line, text: s.slice(m.at, m.end), reason: "port named without a destination; not imported" });
        return;
      }
      for (const t of targets) {
        for (const spec of m.protocols.includes("icmp") ? [{}] : m.ports) {
          for (const protocol of m.protocols) {
            requirements.push({
              destination: t.destination,
              ...(t.peer ? { peer: t.peer } : {}),
              ...(protocol === "icmp" ? {} : spec),
              protocol,
              direction: direction ?? "egress",
              level,
              ...(condition ? { condition } : {}),
              description: s,
            });
          }
        }
      }
    });
    if (requirements.length > before) report.assumptions.push(...assumed.assumptions);
  }
  return requirements;
};

/** The port, protocol, URL and ICMP mentions of a sentence, in order, without overlaps. */
function mentionsOf(s: string): Mention[] {
  const mentions: Mention[] = [];
  const free = (at: number, end: number) => mentions.every((m) => end <= m.at || at >= m.end);
  for (const u of s.matchAll(URL)) {
    const scheme = u[1]!.toLowerCase();
    const secure = scheme === "https" || scheme === "wss";
    const protocols: Protocol[] = scheme === "https" ? ["https"] : scheme === "wss" ? ["tls"] : ["tcp"];
    mentions.push({ at: u.index!, end: u.index! + u[0].length, ports: [{ port: u[3] ? Number(u[3]) : secure ? 443 : 80 }], protocols, host: u[2]! });
  }
  MENTIONS.forEach((pattern, kind) => {
    for (const m of s.matchAll(pattern)) {
      const [at, end] = [m.index!, m.index! + m[0].length];
      if (!free(at, end)) continue;
      const list = kind === 0 ? m[2]! : m[1]!;
      const words = kind === 0 ? [m[1]!] : [m[2] ?? m[3] ?? m[4]].filter((w): w is string => w !== undefined);
      const ports = parsePortList(list);
      const protocols = words.length ? protocolsOfWords(words) : ["tcp" as Protocol];
      if (!ports || !protocols || protocols.includes("icmp")) continue;
      const overTls = /^\s*\(?[\w ]{0,20}\bover (?:tls|ssl)\b/i.test(s.slice(end, end + 30)) && protocols.includes("tcp");
      mentions.push({ at, end, ports, protocols: overTls ? ["tls"] : protocols });
    }
  });
  for (const m of s.matchAll(ICMP)) if (free(m.index!, m.index! + 4)) mentions.push({ at: m.index!, end: m.index! + 4, ports: [], protocols: ["icmp"] });
  return mentions.sort((a, b) => a.at - b.at);
}

/** Hosts, addresses, CIDRs and customer phrases ("your NTP servers") named in a sentence. */
function placesOf(s: string): Place[] {
  const places: Place[] = [];
  const sideAt = (at: number) => [...s.slice(0, at).matchAll(/\b(from|to)\b/gi)].pop()?.[1]?.toLowerCase() === "from";
  for (const h of s.replace(URL, (u) => " ".repeat(u.length)).matchAll(HOST)) {
    const token = h[0];
    if (FILE_SUFFIX.test(token) || (!isHostname(token.replace(/\/\d+$/, "")) && !/^\d/.test(token))) continue;
    places.push({ at: h.index!, destination: parseDestinationCell(token).destination, source: sideAt(h.index!) });
  }
  if (!places.some((p) => !p.source)) {
    const phrase = PHRASE.exec(s);
    if (phrase) places.push({ at: phrase.index, destination: parseDestinationCell(phrase[1]!).destination, source: false });
  }
  if (!places.some((p) => p.source)) {
    const from = FROM_PHRASE.exec(s);
    if (from) places.push({ at: from.index, destination: from[1]!, source: true });
  }
  return places.sort((a, b) => a.at - b.at);
}

/**
 * The hosts a mention applies to: its URL's host, else those after it up to the next mention; a
 * mention with none shares the next (or previous) mention's. Inbound rules name the other side as peer.
 */
function hostsOf(m: Mention, k: number, mentions: Mention[], places: Place[], direction: Direction, s: string): { destination: string; peer?: string }[] {
  if (m.host) return [{ destination: parseDestinationCell(m.host).destination }];
  const own = (j: number) => places.filter((p) => p.at >= (j === 0 ? 0 : mentions[j]!.at) && p.at < (mentions[j + 1]?.at ?? Infinity) && !mentions[j + 1]?.host);
  let mine = own(k);
  for (let j = k + 1; mine.length === 0 && j < mentions.length; j++) if (!mentions[j]!.host) mine = own(j);
  for (let j = k - 1; mine.length === 0 && j >= 0; j--) if (!mentions[j]!.host) mine = own(j);
  const targets = mine.filter((p) => !p.source);
  const sources = mine.filter((p) => p.source);
  if (direction === "ingress" && sources.length > 0) {
    const to = targets.length ? targets.map((t) => t.destination) : [`<${customerKey(subjectOf(s))}>`];
    return to.flatMap((destination) => sources.map((p) => ({ destination, peer: p.destination })));
  }
  return targets.map((t) => ({ destination: t.destination }));
}

/** Who receives an inbound rule when the sentence names only the source: its subject ("The gateway accepts …"). */
function subjectOf(s: string): string {
  return /^(?:the|your)\s+([\w -]{2,40}?)\s+(?:accepts|listens|needs|must|requires|receives)\b/i.exec(s)?.[1] ?? "host";
}
