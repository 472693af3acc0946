/** Classifiers for the words vendors put in requirement tables. Each returns undefined when unsure. */
import type { Direction, RequirementLevel } from "../catalog/schema.js";
import { placeholdersOf } from "../catalog/placeholders.js";

/** Markdown/Liquid markup removed: `code`, **bold**, [text](link), {{site.product_name}}, <br>. */
export function cleanText(text: string): string {
  return text
    .replace(/\{\{\s*site\.([a-z_]+)\s*\}\}/gi, (_, key: string) => humanizeSiteVariable(key))
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\*\*([^*]*)\*\*/g, "$1")
    .replace(/(^|\s)\*([^*]+)\*(?=\s|$)/g, "$1$2")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\s*<br\s*\/?>\s*/gi, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** `{{site.konnect_short_name}}` → "Konnect", `{{site.kic_product_name}}` → "KIC". */
function humanizeSiteVariable(key: string): string {
  const words = key.split("_").filter((w) => !["short", "name", "product", "saas", "base"].includes(w));
  const word = words.join(" ") || key;
  return word.length <= 3 ? word.toUpperCase() : word.charAt(0).toUpperCase() + word.slice(1);
}

/** Lower-case id from free text: "Between Cluster Nodes" → "between-cluster-nodes". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[{}<>]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

/** Direction words; "Bi-directional" / "Inbound and Outbound" → both. */
export function parseDirectionCell(raw: string): Direction[] | undefined {
  const t = cleanText(raw).toLowerCase();
  if (/\bbi-?directional\b|\bboth\b/.test(t)) return ["egress", "ingress"];
  const out = /\b(outbound|egress|outgoing)\b/.test(t);
  const into = /\b(inbound|ingress|incoming)\b/.test(t);
  if (out && into) return ["egress", "ingress"];
  if (out) return ["egress"];
  if (into) return ["ingress"];
  if (/\b(internal|intra-?cluster|node-to-node|east-west)\b/.test(t)) return ["internal"];
  return undefined;
}

/** Level words: "Yes"/"Required"/"Mandatory" → required, "No"/"Optional" → optional. */
export function parseLevelCell(raw: string): RequirementLevel | undefined {
  const t = cleanText(raw).toLowerCase().replace(/[.!]$/, "");
  if (/^(yes|required|mandatory|must|y)$/.test(t)) return "required";
  if (/^(no|optional|recommended|n|not required)$/.test(t)) return "optional";
  if (/^(conditional|depends|situational)$/.test(t)) return "conditional";
  return undefined;
}

/** A level cell, also "Yes, if APM is enabled" / "Required (when X)" → conditional with its condition. */
export function levelWithCondition(raw: string): { level: RequirementLevel; condition?: string } | undefined {
  const level = parseLevelCell(raw);
  if (level) return { level };
  const m = /^(yes|required|mandatory|must)\s*[,;:(–-]?\s*((?:only\s+)?(?:if|when)\b[^)]*)\)?\.?$/i.exec(cleanText(raw));
  return m ? { level: "conditional", condition: m[2]!.replace(/^[a-z]/, (c) => c.toUpperCase()) } : undefined;
}

const CONDITION = [
  /\b(?:only|required|needed|necessary) (?:if|when)\b[^.;,]*(?:\([^)]*\))?/i,
  /\b(?:if|when) (?:you|using|running|your|the)\b[^.;,]*/i,
  /\b[^.;]*\bversions? `?[\w.]+`? or (?:earlier|later|older|newer|below|above)\b/i,
  /\bunless\b[^.;]*/i,
];

/** The condition clause in a note ("Only if using externalised databases"), or undefined. */
export function findCondition(texts: string[]): string | undefined {
  for (const raw of texts) {
    const text = cleanText(raw);
    for (const pattern of CONDITION) {
      const m = pattern.exec(text);
      if (m) return m[0].trim().replace(/^[a-z]/, (c) => c.toUpperCase());
    }
  }
  return undefined;
}

/** "(default 5000)", "defaults to 5000": a default the page states for a customer-chosen port. */
export function findDefaultPort(texts: string[]): number | undefined {
  for (const t of texts) {
    const m = /\bdefault(?:s to|:)?\s+(?:port\s+)?(\d{1,5})\b/i.exec(cleanText(t));
    if (m && Number(m[1]) <= 65535) return Number(m[1]);
  }
  return undefined;
}

export interface DestinationCell {
  /** Hostname, IP, CIDR, template, or `<key>` for a host only the customer knows. */
  destination: string;
  kind: "host" | "ip" | "cidr" | "template" | "loopback" | "customer";
  addresses?: string[];
  /** Port written with the host ("api.example.com:8443"). */
  port?: number;
  /** The page's own words when the destination is described rather than named. */
  described?: string;
}

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const HOST_LABEL = String.raw`(?:[A-Za-z0-9_-]|\{[a-z][a-z0-9_-]*\}|<[a-z][a-z0-9_-]*>)+`;
const HOSTNAME = new RegExp(String.raw`^(?:\*\.)?(?:${HOST_LABEL}\.)+[A-Za-z]{2,}$`);

/** True for "a.example.com", "{region}.api.konghq.com", "*.example.com". */
export function isHostname(text: string): boolean {
  return HOSTNAME.test(text) && !/^\d+(\.\d+)+$/.test(text);
}

/** A host cell naming several hosts ("a.example.com, b.example.com", "a; b", "a <br> b"), each classified; else the one cell. */
export function parseDestinationCells(raw: string): DestinationCell[] {
  const parts = cleanText(raw).split(/\s*[;,]\s*|\s+(?:and|or)\s+|\s+/).filter(Boolean);
  const named = (p: string) => isHostname(p.replace(/:\d{1,5}$/, "")) || IPV4.test(p.replace(/:\d{1,5}$/, ""));
  if (parts.length >= 2 && parts.every(named)) return parts.map(parseDestinationCell);
  return [parseDestinationCell(raw)];
}

/** "the host you configure as PROXY_HOST", "your NTP servers", "*": the customer names the host. */
const CONFIGURED = /\b(?:host|server|address|endpoint|proxy)s?\s+(?:that\s+)?you\s+(?:configure|set|choose|specify|define|use)(?:\s+(?:as|for|in))?\s+(.+)$/i;
const ANY_HOST = /^(\*|any|any host|anywhere|all hosts|internet|the internet)$/i;

/** Classifies a host cell; anything not a name or address becomes a `<key>` customer host. */
export function parseDestinationCell(raw: string): DestinationCell {
  const text = cleanText(raw);
  const addresses = [...text.matchAll(/\((\d+\.\d+\.\d+\.\d+(?:\/\d+)?)\)/g)].map((m) => m[1]!);
  const url = /^(https?|wss?):\/\/([^/:\s]+)(?::(\d{1,5}))?(?:\/\S*)?$/i.exec(text);
  const bare = url ? `${url[2]}:${url[3] ?? (/^(https|wss)$/i.test(url[1]!) ? 443 : 80)}` : text.replace(/\s*\([^)]*\)\s*/g, " ").trim();
  const withPort = /^(.+?):(\d{1,5})$/.exec(bare);
  const host = withPort && !bare.includes("::") ? withPort[1]! : bare;
  const port = withPort && !bare.includes("::") && Number(withPort[2]) <= 65535 ? { port: Number(withPort[2]) } : {};
  const extra = addresses.length ? { addresses } : {};
  if (IPV4.test(host)) return { destination: host, kind: /^127\./.test(host) ? "loopback" : "ip", ...extra, ...port };
  if (/^[\d.]+\/\d{1,2}$/.test(host) && IPV4.test(host.split("/")[0]!)) return { destination: host, kind: "cidr", ...port };
  if (/^localhost$/i.test(host)) return { destination: "127.0.0.1", kind: "loopback", ...port };
  if (host.startsWith("*.") && isHostname(host)) return { destination: wildcardTemplate(lowerCaseLabels(host)), kind: "template", described: host, ...extra, ...port };
  if (isHostname(host)) return { destination: lowerCaseLabels(host), kind: placeholdersOf(host).length ? "template" : "host", ...extra, ...port };
  if (/\bloopback\b/i.test(text)) return { destination: "127.0.0.1", kind: "loopback", described: text };
  if (ANY_HOST.test(host)) return { destination: "<any-host>", kind: "customer", described: text };
  const configured = CONFIGURED.exec(text)?.[1];
  return { destination: `<${customerKey(configured ?? text)}>`, kind: "customer", described: text, ...extra };
}

/** `*.example.com` → `<subdomain-of-example-com>.example.com`: the probed name is the customer's to give. */
export function wildcardTemplate(host: string): string {
  const domain = host.replace(/^\*\./, "");
  return `<subdomain-of-${slug(domain)}>.${domain}`;
}

/** Hostnames are case-insensitive, UPPER_CASE placeholders are not: "GitHub.com" → "github.com". */
function lowerCaseLabels(host: string): string {
  return host.replace(/[A-Za-z0-9_-]+/g, (label) => (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(label) ? label : label.toLowerCase()));
}

/** "Your load balancer IP address (often on internal network)" → "load-balancer-ip-address". */
export function customerKey(text: string): string {
  const key = slug(
    cleanText(text)
      .replace(/\([^)]*\)/g, " ")
      .replace(/^\s*(your|the|an?|all|any)\s+/i, "")
      .replace(/\s+(port|ports)$/i, ""),
  );
  return key || "host";
}

/** "All" → every geography; "AU, IN, ME, US" → [au, in, me, us]; undefined if not geography words. */
export function parseGeoCell(raw: string): string[] | "all" | undefined {
  const text = cleanText(raw);
  if (/^(all|any|every|global)$/i.test(text)) return "all";
  const parts = text.split(/\s*(?:,|\/|\band\b|\bor\b)\s*/).filter(Boolean);
  if (parts.length === 0 || !parts.every((p) => /^[A-Za-z]{2,6}$/.test(p))) return undefined;
  return parts.map((p) => p.toLowerCase());
}

/** A tab title as a vendor geography: "US" → "us", "Europe (EU)" → "eu". */
export function geoOfTab(title: string): string {
  const code = /\(([A-Za-z]{2,6})\)/.exec(title)?.[1] ?? title;
  return slug(code);
}
