/** Bullet and nested lists: the labels a line sits under, and what they say (a component or a vendor geography). */
import { cleanText, geoOfTab } from "../cells.js";

const BULLET = /^(\s*)(?:[-*+•]|\d+[.)])\s+(.*)$/;
/** A short line that introduces a list: "Agent:", "**EU region**". */
const LABEL = /^(?:\*\*([^*]{1,60})\*\*:?|([^:]{1,60}):)$/;
const REGION_NAMES: Record<string, string> = {
  europe: "eu",
  "european union": "eu",
  "united states": "us",
  "north america": "us",
  "united kingdom": "uk",
  australia: "au",
  "asia pacific": "apac",
  canada: "ca",
  japan: "jp",
  india: "in",
  germany: "de",
  "middle east": "me",
};

/** A list item's text without its bullet, or undefined when the line is not a list item. */
export function listItemText(raw: string): string | undefined {
  return BULLET.exec(raw)?.[2]?.trim();
}

/** Tracks list nesting while the page is read: which label and parent items each line sits under. */
export class Outline {
  private label: string | undefined;
  private items: { indent: number; text: string }[] = [];

  reset(): void {
    this.label = undefined;
    this.items = [];
  }

  /** The labels above `raw`, then records `raw` as a possible parent of the lines after it. */
  place(raw: string): string[] {
    const bullet = BULLET.exec(raw);
    if (!bullet) {
      if (/^\s*:/.test(raw) || (/^\s+\S/.test(raw) && this.items.length > 0)) return this.labels();
      this.items = [];
      const label = LABEL.exec(raw.trim());
      const text = label ? (label[1] ?? label[2])!.trim() : undefined;
      this.label = text && text.length <= 40 && !text.includes(",") && text.split(/\s+/).length <= 6 ? text : undefined;
      return [];
    }
    const indent = bullet[1]!.replace(/\t/g, "    ").length;
    while (this.items.length > 0 && this.items[this.items.length - 1]!.indent >= indent) this.items.pop();
    const above = this.labels();
    this.items.push({ indent, text: bullet[2]!.trim() });
    return above;
  }

  private labels(): string[] {
    return [...(this.label ? [this.label] : []), ...this.items.map((i) => i.text)];
  }
}

/** A label that names a vendor geography: "EU", "Europe (EU)", "Region: us", "United States". */
export function geoOfLabel(label: string): string | undefined {
  const text = cleanText(label).replace(/[:.]$/, "").trim();
  const region = /^(?:region|geo(?:graphy)?|data ?cent(?:er|re))\s*:?\s+([A-Za-z]{2,6})$/i.exec(text);
  if (region) return region[1]!.toLowerCase();
  if (/^[A-Z]{2,5}$/.test(text)) return text.toLowerCase();
  if (/\(([A-Z]{2,5})\)$/.test(text)) return geoOfTab(text);
  const named = text.toLowerCase().replace(/\s+(?:region|regions|data ?cent(?:er|re)s?)$/, "");
  return REGION_NAMES[named];
}

/** Where a line's labels put it: the nearest label that is not a geography names the component. */
export function placeOf(outline: readonly string[]): { component?: string; geos?: string[] } {
  let component: string | undefined;
  const geos: string[] = [];
  for (const label of outline) {
    const geo = geoOfLabel(label);
    if (geo) geos.push(geo);
    else component = cleanText(label).replace(/[:.]$/, "");
  }
  return { ...(component ? { component } : {}), ...(geos.length ? { geos: [geos[geos.length - 1]!] } : {}) };
}
