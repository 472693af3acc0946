import type { Direction, Protocol, RequirementLevel } from "../catalog/schema.js";
import { cleanText, findCondition, geoOfTab, isHostname, parseDirectionCell } from "./cells.js";
import type { Draft, Report } from "./draft.js";
import type { ProseLine } from "./page.js";

const HOST = String.raw`(?:\*\.)?(?:(?:[A-Za-z0-9_-]+|\{[a-z][a-z0-9_-]*\}|<[a-z][a-z0-9_-]*>)\.)+[A-Za-z]{2,}`;
const HOST_PORT = new RegExp(String.raw`(?<![\w/:.@-])(${HOST}|\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})(?:-(\d{1,5}))?(?:\/(tcp|udp|tls))?(?![\w.-]*\/)`, "g");
const CODE_HOST = new RegExp(String.raw`\`(${HOST})\``, "g");

/**
 * Requirements written in running text: bullet lists of `host:port`, definition lists
 * (`host:port` then `: definition`), or a sentence such as "add the `{geo}.mesh.sync.konghq.com:443` hostname".
 */
export function draftsFromProse(lines: ProseLine[], report: Report): Draft[] {
  const drafts: Draft[] = [];
  lines.forEach((line, k) => {
    if (/^\s*:/.test(line.text)) return;
    const definitions: string[] = [];
    for (let j = k + 1; j < lines.length && lines[j]!.line === line.line + definitions.length + 1 && /^\s*:/.test(lines[j]!.text); j++) {
      definitions.push(lines[j]!.text.replace(/^\s*:\s*/, ""));
    }
    const context = cleanText([line.text, ...definitions].join(" "));
    const found = [...line.text.matchAll(HOST_PORT)].filter((m) => isHostname(m[1]!) || /^\d/.test(m[1]!));
    for (const m of found) {
      const [, host, from, to, suffix] = m;
      const port = Number(from);
      const portEnd = to !== undefined ? Number(to) : undefined;
      if (port > 65535 || (portEnd !== undefined && (portEnd > 65535 || portEnd <= port))) {
        report.unclassified.push({ line: line.line, text: m[0], reason: "port out of range" });
        continue;
      }
      const protocol = protocolOf(suffix, context);
      const direction = directionOf(context);
      if (!direction) report.assumptions.push({ line: line.line, text: m[0], reason: "no direction word: taken as egress" });
      const { level, condition } = levelOf(context, report, line.line, m[0]);
      const geos = line.tab ? [geoOfTab(line.tab)] : geosStated(line.paragraph);
      const description = cleanText(definitions.join(" ")) || cleanText(line.text.replace(/^\s*[-*+]\s+/, "")).replace(m[0], "").replace(/^[\s—:–-]+|[\s—:–-]+$/g, "");
      drafts.push({
        component: cleanText(line.heading) || "General",
        requirement: {
          destination: host!,
          port,
          ...(portEnd !== undefined ? { portEnd } : {}),
          protocol,
          direction: direction ?? "egress",
          level,
          ...(condition ? { condition } : {}),
          ...(geos ? { geos } : {}),
          ...(description ? { description } : {}),
        },
        source: { line: line.line },
      });
    }
    if (found.length === 0) {
      const bare = line.text.replace(/^\s*[-*+]\s+/, "").replace(/`/g, "").trim();
      const named = isHostname(bare) ? [bare] : [...line.text.matchAll(CODE_HOST)].map((c) => c[1]!).filter(isHostname);
      for (const host of named) report.unclassified.push({ line: line.line, text: host, reason: "host named without a port; not imported" });
    }
  });
  return drafts;
}

function protocolOf(suffix: string | undefined, context: string): Protocol {
  if (suffix) return suffix.toLowerCase() as Protocol;
  if (/\budp\b/i.test(context)) return "udp";
  if (/\b(m?tls|https)\b/i.test(context)) return "tls";
  return "tcp";
}

function directionOf(context: string): Direction | undefined {
  return parseDirectionCell(context.replace(/\b(?:only|required|needed) (?:if|when)\b.*$/i, ""))?.[0];
}

function levelOf(context: string, report: Report, line: number, text: string): { level: RequirementLevel; condition?: string } {
  const condition = findCondition([context]);
  if (condition) return { level: "conditional", condition };
  if (/\boptional\b|\bnot required\b|\brecommended\b/i.test(context)) return { level: "optional" };
  if (!/\b(required|must|mandatory)\b/i.test(context)) report.assumptions.push({ line, text, reason: "no level word: taken as required" });
  return { level: "required" };
}

/** "The geo can be `au`, `eu`, `us`, or `global`." → [au, eu, us, global]. */
function geosStated(paragraph: string): string[] | undefined {
  const m = /\b(?:geo|geography|region)s?\s+(?:can be|is one of|are|:)\s+([^.]*)/i.exec(paragraph);
  if (!m) return undefined;
  const codes = [...m[1]!.matchAll(/`([a-z]{2,8})`|\b([a-z]{2})\b/g)].map((c) => (c[1] ?? c[2])!).filter((c) => c !== "or" && c !== "be");
  return codes.length ? codes : undefined;
}
