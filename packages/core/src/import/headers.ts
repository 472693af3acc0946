/** Column names: which role a header names, and whether a row of cells reads as a table header. */
import { cleanText } from "./cells.js";

export type Role = "destination" | "peer" | "port" | "protocol" | "direction" | "level" | "geo" | "component" | "use" | "notes";

/** What a column holds, from its header words (synonyms included); undefined when not recognised. */
export function roleOf(header: string): Role | undefined {
  const h = cleanText(header).toLowerCase().replace(/[?:*]+$/, "").trim();
  if (h === "" || /\d/.test(h.replace(/\blayer 4\b|\bl4\b/, "")) || /\.[a-z]/.test(h)) return undefined;
  if (/source\s*\/\s*destination|destination\s*\/\s*source|^source\b|^peer|^remote|^from\b|^origin/.test(h)) return "peer";
  if (/^(destination|target|dest\b|to\b|allowed destination|allow ?list)/.test(h)) return "destination";
  if (/proto/.test(h) && /port/.test(h)) return "port";
  if (/host|\bip\b|dns|domain|endpoint|address|fqdn|url|server|\buri\b|^allowlist|^whitelist/.test(h)) return "peer";
  if (/region|geo|location|availability|data ?cent(er|re)|^site\b|^cloud\b|^environment$/.test(h)) return "geo";
  if (/^proto|transport|^layer 4|^l4\b/.test(h)) return "protocol";
  if (/port/.test(h)) return "port";
  if (/direction|^type$|traffic|flow|^rule|inbound\s*\/\s*outbound|^in\s*\/\s*out$/.test(h)) return "direction";
  if (/required|requirement|mandatory|optional|necessity|^level|^needed|^must\b/.test(h)) return "level";
  if (/machine|component|node type|^role|^product|^module/.test(h)) return "component";
  if (/^use|purpose|function|service|^name|^feature/.test(h)) return "use";
  if (/note|description|comment|detail|reason|^why|remark|explanation/.test(h)) return "notes";
  return undefined;
}

/**
 * True when the cells read as a requirement table's header: at least two known column names,
 * one of them a host or port column, and at most one unknown name for every two known.
 */
export function looksLikeHeader(cells: readonly string[]): boolean {
  const named = cells.map((c) => c.trim()).filter((c) => c !== "");
  if (named.some((c) => c.length > 40 || /[.!]$/.test(c))) return false;
  const roles = named.map(roleOf);
  const known = roles.filter((r) => r !== undefined);
  if (known.length < 2 || (named.length - known.length) * 2 > known.length) return false;
  if (new Set(known).size < known.length - 1) return false;
  return known.some((r) => r === "port" || r === "destination" || r === "peer");
}
