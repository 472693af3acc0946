/** `host:port` written in running text: bullet items, definition-list terms, or a sentence naming "`{geo}.sync.example.com:443`". */
import type { Direction, Protocol, RequirementLevel } from "../../catalog/schema.js";
import { cleanText, findCondition, isHostname, parseDirectionCell } from "../cells.js";
import type { Report } from "../draft.js";
import type { LineReader, LineRequirement } from "./types.js";

const HOST = String.raw`(?:\*\.)?(?:(?:[A-Za-z0-9_-]+|\{[a-z][a-z0-9_-]*\}|<[a-z][a-z0-9_-]*>)\.)+[A-Za-z]{2,}`;
const HOST_PORT = new RegExp(String.raw`(?<![\w/:.@-])(${HOST}|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|tls))?(?![\w.-]*\/)`, "g");

/** Every `host:port` of the line; the line's other words say protocol, direction and level. */
export const hostPortLine: LineReader = ({ text, definitions, context, line }, report) => {
  const found = [...text.matchAll(HOST_PORT)].filter((m) => isHostname(m[1]!) || /^\d/.test(m[1]!));
  if (found.length === 0) return undefined;
  const requirements: LineRequirement[] = [];
  for (const m of found) {
    const [, host, from, to, suffix] = m;
    const port = Number(from);
    const portEnd = to !== undefined ? Number(to) : undefined;
    if (port > 65535 || (portEnd !== undefined && (portEnd > 65535 || portEnd <= port))) {
      report.unclassified.push({ line, text: m[0], reason: "port out of range" });
      continue;
    }
    const direction = directionOf(context);
    if (!direction) report.assumptions.push({ line, text: m[0], reason: "no direction word: taken as egress" });
    const { level, condition } = levelOf(context, report, line, m[0]);
    const description = cleanText(definitions.join(" ")) || cleanText(text.replace(/^\s*[-*+]\s+/, "")).replace(m[0], "").replace(/^[\s—:–-]+|[\s—:–-]+$/g, "");
    requirements.push({
      destination: host!,
      port,
      ...(portEnd !== undefined ? { portEnd } : {}),
      protocol: protocolOf(suffix, context),
      direction: direction ?? "egress",
      level,
      ...(condition ? { condition } : {}),
      ...(description ? { description } : {}),
    });
  }
  return requirements;
};

function protocolOf(suffix: string | undefined, context: string): Protocol {
  if (suffix) return suffix.toLowerCase() as Protocol;
  if (/\budp\b/i.test(context)) return "udp";
  if (/\b(m?tls|https)\b/i.test(context)) return "tls";
  return "tcp";
}

/** The direction word of a line, not counting words inside its condition. */
export function directionOf(context: string): Direction | undefined {
  return parseDirectionCell(context.replace(/\b(?:only|required|needed) (?:if|when)\b.*$/i, ""))?.[0];
}

/** Level words of a line: a condition makes it conditional; "optional" optional; else required (said or assumed). */
export function levelOf(context: string, report: Report, line: number, text: string): { level: RequirementLevel; condition?: string } {
  const condition = findCondition([context]);
  if (condition) return { level: "conditional", condition };
  if (/\boptional\b|\bnot required\b|\brecommended\b/i.test(context)) return { level: "optional" };
  if (!/\b(required|must|mandatory)\b/i.test(context)) report.assumptions.push({ line, text, reason: "no level word: taken as required" });
  return { level: "required" };
}
