import type { Verdict } from "../api/index.js";
import type { Presentation } from "./index.js";

/** How reachable one product (or everything) is, for the banner at the top of the page. */
export type Health = "reachable" | "partial" | "outage" | "unknown";

const HEALTH: Record<Health, Presentation> = {
  reachable: { icon: "✓", text: "All reachable", tone: "pass" },
  partial: { icon: "◐", text: "Partly reachable", tone: "partial" },
  outage: { icon: "✕", text: "Outage", tone: "fail" },
  unknown: { icon: "?", text: "No verdict yet", tone: "none" },
};

/** Icon, words and tone of a health. */
export function healthPresentation(health: Health): Presentation {
  return HEALTH[health];
}

/**
 * A product's health from its checks' verdicts: an outage when any check is down (a quorum of
 * regions cannot reach it), partly reachable when any is degraded or some checks have no verdict
 * next to checks that are up, all reachable when every check is up, unknown with no verdict at all.
 */
export function healthOf(verdicts: Iterable<Verdict>): Health {
  let up = 0;
  let degraded = 0;
  let down = 0;
  let unknown = 0;
  for (const verdict of verdicts) {
    if (verdict === "up") up++;
    else if (verdict === "degraded") degraded++;
    else if (verdict === "down") down++;
    else unknown++;
  }
  if (down > 0) return "outage";
  if (degraded > 0 || (unknown > 0 && up > 0)) return "partial";
  return up > 0 ? "reachable" : "unknown";
}

/** The worst of several healths (the whole page's headline from its products'). */
export function worstHealth(healths: Iterable<Health>): Health {
  const order: Health[] = ["outage", "partial", "reachable", "unknown"];
  const seen = new Set(healths);
  if (seen.size === 0) return "unknown";
  // "unknown" only wins when nothing else is known.
  return order.find((health) => seen.has(health))!;
}
