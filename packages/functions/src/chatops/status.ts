import type { RegionState } from "@probemesh/core/store";
import { crossRegionVerdict, defaultQuorum } from "@probemesh/core/verdict";
import { ephemeral, statusMessage, type SlackMessage } from "./blocks.js";
import type { ChatopsDeps } from "./index.js";

/** `/probe status [product]`: cross-region verdicts of the scheduled checks, from the store's latest state. */
export async function statusReply(product: string | undefined, deps: Pick<ChatopsDeps, "store" | "checks" | "regions" | "quorum">): Promise<SlackMessage> {
  const [latest, checks] = await Promise.all([deps.store.latest(), deps.checks()]);
  const known = new Map(checks.map((check) => [check.checkId, check]));
  let wanted: Set<string> | undefined;
  if (product !== undefined) {
    wanted = new Set(checks.filter((check) => check.product === product).map((check) => check.checkId));
    if (wanted.size === 0) {
      const products = [...new Set(checks.map((check) => check.product).filter(Boolean))];
      return ephemeral(`No scheduled checks for \`${product}\`.`, products.length ? `Scheduled products: ${products.join(", ")}` : "Nothing is scheduled yet.");
    }
  }
  const byCheck = new Map<string, Record<string, RegionState | "stale">>();
  for (const entry of latest) {
    if (wanted && !wanted.has(entry.checkId)) continue;
    if (!deps.regions.includes(entry.region)) continue;
    const states = byCheck.get(entry.checkId) ?? Object.fromEntries(deps.regions.map((r) => [r, "stale" as const]));
    states[entry.region] = entry.state;
    byCheck.set(entry.checkId, states);
  }
  const quorum = deps.quorum ?? defaultQuorum(deps.regions.length);
  const verdicts = [...byCheck].map(([checkId, states]) => {
    const check = known.get(checkId);
    return {
      label: check?.label ?? check?.target ?? checkId,
      verdict: crossRegionVerdict(states, quorum),
      failing: Object.entries(states).filter(([, s]) => s === "down").map(([region]) => region),
    };
  });
  return statusMessage(product ?? "all scheduled checks", verdicts);
}
