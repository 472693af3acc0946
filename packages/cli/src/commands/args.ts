import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../io.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `node:util` parseArgs in strict mode; its errors become one-line UsageErrors (exit 2). */
export function parse<O extends Options>(args: string[], options: O, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UsageError(`${message} (usage: ${usage})`);
  }
}

/** `--set KEY=VALUE` pairs → record; a pair without `=` is a usage error. */
export function parseSets(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set expects KEY=VALUE, got "${pair}"`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}

/** Left-aligned columns for terminal tables. */
export function columns(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, k) => (widths[k] = Math.max(widths[k] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, k) => (k === row.length - 1 ? cell : cell.padEnd(widths[k] ?? 0))).join("  ").trimEnd()).join("\n") + "\n";
}
