/**
 * The `/probe` slash command's text: `/probe <target… | product[:geo]> [regions]`,
 * `/probe status [product]`, `/probe help`.
 */

export type SlackCommand =
  | { kind: "help" }
  | { kind: "status"; product?: string }
  | { kind: "probe"; targets: string[]; regions: string[] }
  | { kind: "product"; product: string; geo?: string; regions: string[] };

/** The text cannot be understood; `message` is the helpful ephemeral reply. */
export class CommandError extends Error {
  override name = "CommandError";
}

const REGION = /^[a-z]{2,}(-[a-z]+)+-\d+$/;
const PRODUCT = /^([a-z0-9][a-z0-9-]*)(?::([a-z0-9-]+))?$/;

/** Parse the command text against the configured probe regions. */
export function parseCommand(rawText: string, regions: readonly string[]): SlackCommand {
  const tokens = unescapeSlack(rawText)
    .split(/[\s,]+/)
    .filter(Boolean);
  const [first, ...rest] = tokens;
  if (first === undefined || first === "help") return { kind: "help" };
  if (first === "status") {
    if (rest.length > 1) throw new CommandError("`/probe status` takes at most one product, e.g. `/probe status kong-konnect`");
    return rest[0] === undefined ? { kind: "status" } : { kind: "status", product: rest[0] };
  }

  const targets: string[] = [];
  const chosen: string[] = [];
  const words: string[] = [];
  for (const token of tokens) {
    if (token === "--regions" || token === "regions") continue;
    if (token.includes("://")) targets.push(token);
    else if (REGION.test(token)) chosen.push(token);
    else words.push(token);
  }
  const unknown = chosen.filter((r) => !regions.includes(r));
  if (unknown.length > 0) {
    throw new CommandError(`Unknown probe region ${unknown.join(", ")}. Probe regions here: ${regions.join(", ")}.`);
  }
  const useRegions = chosen.length > 0 ? [...new Set(chosen)] : [...regions];

  if (targets.length > 0) {
    if (words.length > 0) throw new CommandError(`Give targets or one product, not both (\`${words[0]}\` is neither a target nor a region).`);
    return { kind: "probe", targets: [...new Set(targets)], regions: useRegions };
  }
  if (words.length !== 1) {
    throw new CommandError(
      words.length === 0
        ? "What should I probe? Give a target such as `tcp://api.example.com:443` or a product such as `kong-konnect:eu`."
        : `I can probe one product at a time; got ${words.map((w) => `\`${w}\``).join(", ")}. Targets need a scheme, e.g. \`tcp://${words[0]}:443\`.`,
    );
  }
  const match = PRODUCT.exec(words[0]!.toLowerCase());
  if (!match) throw new CommandError(`\`${words[0]}\` is not a target (scheme://host:port) or a product[:geo].`);
  return match[2] === undefined
    ? { kind: "product", product: match[1]!, regions: useRegions }
    : { kind: "product", product: match[1]!, geo: match[2], regions: useRegions };
}

/**
 * Slack sends links as `<https://x|label>` or `<https://x>` and escapes &, < and >
 * as Slack's message formatting does; undo both.
 */
export function unescapeSlack(text: string): string {
  return text
    .replace(/<([^<>|]+)(?:\|[^<>]*)?>/g, "$1")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
