import { readVerdicts } from "@probemesh/core/verdict";
import { ephemeral, statusMessage, type SlackMessage } from "./blocks.js";
import type { ChatopsDeps } from "./index.js";

/** `/probe status [product]`: cross-region verdicts of the scheduled checks, from the stored verdict model. */
export async function statusReply(product: string | undefined, deps: Pick<ChatopsDeps, "store" | "checks" | "regions" | "verdictRegions" | "staleAfterMs" | "now">): Promise<SlackMessage> {
  const checks = await deps.checks();
  const known = new Map(checks.map((check) => [check.checkId, check]));
  let wanted: Set<string> | undefined;
  if (product !== undefined) {
    wanted = new Set(checks.filter((check) => check.product === product).map((check) => check.checkId));
    if (wanted.size === 0) {
      const products = [...new Set(checks.map((check) => check.product).filter(Boolean))];
      return ephemeral(`No scheduled checks for \`${product}\`.`, products.length ? `Scheduled products: ${products.join(", ")}` : "Nothing is scheduled yet.");
    }
  }
  const model = await deps.store.verdicts();
  const reading = readVerdicts(model, deps.verdictRegions ?? deps.regions, new Date(deps.now?.() ?? Date.now()), deps.staleAfterMs);
  const ids = wanted ? [...wanted] : [...new Set([...known.keys(), ...Object.keys(model?.checks ?? {})])];
  const verdicts = ids.map((checkId) => {
    const check = known.get(checkId);
    const { verdict, regions } = reading.verdictOf(checkId);
    return {
      label: check?.label ?? check?.target ?? checkId,
      verdict,
      failing: Object.entries(regions).filter(([, s]) => s === "down").map(([region]) => region),
    };
  });
  return statusMessage(product ?? "all scheduled checks", verdicts);
}
