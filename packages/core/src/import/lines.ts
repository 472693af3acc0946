/**
 * Requirements in running text: each prose line (with the definitions under a definition-list term)
 * goes to the line readers of shapes/; list labels above it name its component or geography.
 */
import { cleanText, geoOfTab, isHostname } from "./cells.js";
import type { Draft, Report } from "./draft.js";
import type { ProseLine } from "./page.js";
import { LINE_READERS } from "./shapes/index.js";
import { listItemText, placeOf } from "./shapes/lists.js";

const READERS = Object.values(LINE_READERS);
const CODE_HOST = /`((?:\*\.)?(?:(?:[A-Za-z0-9_-]+|\{[a-z][a-z0-9_-]*\}|<[a-z][a-z0-9_-]*>)\.)+[A-Za-z]{2,})`/g;
/** A host name in running text, not part of a path, URL or e-mail address. */
const TEXT_HOST = /(?<![\w@/.:-])((?:[A-Za-z0-9-]+\.){2,}[A-Za-z]{2,})(?![\w/@-]|\.\w)/g;
const FILE_SUFFIX = /\.(?:ya?ml|json|exe|msi|conf|cfg|txt|md|sh|ps1|deb|rpm|log|pem|crt|key|xml|ini|toml|js|ts|py|zip|gz|html?)$/i;

/** Hosts a line names: in `code`, or bare with at least three labels (so "e.g." and "Node.js" are not hosts). */
function hostsNamed(text: string): string[] {
  const named = [...text.matchAll(CODE_HOST)].map((c) => c[1]!);
  for (const m of cleanText(text).matchAll(TEXT_HOST)) if (!named.includes(m[1]!)) named.push(m[1]!);
  return named.filter((h) => isHostname(h) && !FILE_SUFFIX.test(h));
}

/** Reads every prose line; a line naming a host but no port is reported, never imported. */
export function draftsFromProse(lines: ProseLine[], report: Report): Draft[] {
  const drafts: Draft[] = [];
  lines.forEach((line, k) => {
    if (/^\s*:/.test(line.text)) return;
    const definitions: string[] = [];
    for (let j = k + 1; j < lines.length && lines[j]!.line === line.line + definitions.length + 1 && /^\s*:/.test(lines[j]!.text); j++) {
      definitions.push(lines[j]!.text.replace(/^\s*:\s*/, ""));
    }
    const input = { text: line.text, definitions, context: cleanText([line.text, ...definitions].join(" ")), line: line.line };
    const found = firstReading(input, report);
    if (!found) {
      const bare = (listItemText(line.text) ?? line.text).replace(/`/g, "").trim();
      const named = isHostname(bare) ? [bare] : hostsNamed(line.text);
      for (const host of named) report.unclassified.push({ line: line.line, text: host, reason: "host named without a port; not imported" });
      return;
    }
    const place = placeOf(line.outline);
    const geos = line.tab ? [geoOfTab(line.tab)] : (place.geos ?? geosStated(line.paragraph));
    for (const requirement of found) {
      drafts.push({
        component: place.component ?? (cleanText(line.heading) || "General"),
        requirement: { ...requirement, ...(geos ? { geos } : {}) },
        source: { line: line.line },
      });
    }
  });
  return drafts;
}

function firstReading(input: Parameters<(typeof READERS)[number]>[0], report: Report) {
  for (const read of READERS) {
    const found = read(input, report);
    if (found) return found;
  }
  return undefined;
}

const statedCache = new Map<string, string[] | undefined>();

/** "The geo can be `au`, `eu`, `us`, or `global`." → [au, eu, us, global] (once per paragraph). */
function geosStated(paragraph: string): string[] | undefined {
  if (!statedCache.has(paragraph)) {
    if (statedCache.size > 1000) statedCache.clear();
    statedCache.set(paragraph, geosIn(paragraph));
  }
  return statedCache.get(paragraph);
}

function geosIn(paragraph: string): string[] | undefined {
  const m = /\b(?:geo|geography|region)s?\s+(?:can be|is one of|are|:)\s+([^.]*)/i.exec(paragraph);
  if (!m) return undefined;
  const codes = [...m[1]!.matchAll(/`([a-z]{2,8})`|\b([a-z]{2})\b/g)].map((c) => (c[1] ?? c[2])!).filter((c) => c !== "or" && c !== "be");
  return codes.length ? codes : undefined;
}
