/** A placeholder inside a destination template, as the vendor page writes it. */
export interface Placeholder {
  /** Exactly as written: `{region}`, `<node>`, `CONTROL_PLANE_ID`. */
  token: string;
  /** Name of the value to supply: `region`, `node`, `CONTROL_PLANE_ID`. */
  key: string;
  style: "brace" | "angle" | "upper";
}

const PLACEHOLDER = /\{([a-z][a-z0-9_-]*)\}|<([a-z][a-z0-9_-]*)>|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g;

/** The distinct placeholders of a destination, in order of appearance. */
export function placeholdersOf(destination: string): Placeholder[] {
  const seen = new Map<string, Placeholder>();
  for (const m of destination.matchAll(PLACEHOLDER)) {
    const [token, brace, angle, upper] = m;
    const ph: Placeholder = brace ? { token, key: brace, style: "brace" } : angle ? { token, key: angle, style: "angle" } : { token, key: upper!, style: "upper" };
    if (!seen.has(token)) seen.set(token, ph);
  }
  return [...seen.values()];
}

/** True when the destination contains at least one placeholder. */
export function isTemplate(destination: string): boolean {
  return placeholdersOf(destination).length > 0;
}
