import { addressOutcomes, type ProbeResult } from "@probemesh/core/result";
import type { Verdict } from "@probemesh/core/store";
import { escapeMrkdwn } from "../alerts/index.js";
import type { CheckSummary } from "./summary.js";

/** Block Kit messages of the `/probe` command. */

export interface SlackMessage {
  response_type?: "ephemeral" | "in_channel";
  replace_original?: boolean;
  text: string;
  blocks: unknown[];
}

const VERDICT_ICON: Record<Verdict, string> = { up: ":large_green_circle:", degraded: ":large_yellow_circle:", down: ":red_circle:", unknown: ":white_circle:" };
const STATUS_ICON = { pass: ":white_check_mark:", fail: ":x:", inconclusive: ":grey_question:" } as const;
/** Slack's limit for one section's text is 3000 characters. */
const SECTION_LIMIT = 2900;

const section = (text: string) => ({ type: "section", text: { type: "mrkdwn", text } });
const context = (text: string) => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/** An ephemeral reply made of one section (help, errors, acks). */
export function ephemeral(text: string, note?: string): SlackMessage {
  return { response_type: "ephemeral", text, blocks: [section(text), ...(note ? [context(note)] : [])] };
}

export function helpMessage(regions: readonly string[], products: readonly string[]): SlackMessage {
  const text = [
    "*`/probe` — can we reach it from every region, right now?*",
    "• `/probe <target> [regions]` — e.g. `/probe tcp://api.example.com:443` or `/probe https://example.com/health us-east-1`",
    "• `/probe <product>[:geo] [regions]` — the vendor's required endpoints, e.g. `/probe kong-konnect:eu`",
    "• `/probe status [product]` — current verdicts from the scheduled checks",
    "• `/probe help` — this message",
    `Targets: \`tcp://host:port\` (or a range \`tcp://host:8000-8100\`), \`tls://host:443\`, \`https://…\`, \`dns://resolver/name?type=A\`, \`udp://host:53\`, \`icmp://host\`; add \`?expect=blocked\` for a negative test.`,
  ].join("\n");
  return ephemeral(text, `Regions: ${regions.join(", ")} · Products: ${products.join(", ")} · Private, loopback and metadata addresses are refused.`);
}

export function ackMessage(what: string, regions: readonly string[], checks: number): SlackMessage {
  const text = `:hourglass_flowing_sand: Probing ${escapeMrkdwn(what)} (${checks} check${checks === 1 ? "" : "s"}) from ${regions.join(", ")}…`;
  return ephemeral(text, "Results follow as each region finishes.");
}

/** Posted as each region finishes. */
export function regionUpdateMessage(region: string, results: readonly ProbeResult[], remaining: readonly string[]): SlackMessage {
  const counts = { pass: 0, fail: 0, inconclusive: 0 };
  for (const r of results) counts[r.status]++;
  const headline = `*${region}* finished: ${counts.pass} pass, ${counts.fail} fail, ${counts.inconclusive} inconclusive`;
  const lines = results.filter((r) => r.status !== "pass").map(resultLine);
  const waiting = remaining.length > 0 ? `Waiting for ${remaining.join(", ")}` : "All regions reported";
  return {
    response_type: "ephemeral",
    replace_original: false,
    text: `${region}: ${counts.pass} pass, ${counts.fail} fail, ${counts.inconclusive} inconclusive`,
    blocks: [section(headline), ...chunk(lines).map(section), context(waiting)],
  };
}

/** The final message: cross-region verdict overall and per check. */
export function summaryMessage(what: string, overall: Verdict, summaries: readonly CheckSummary[], regions: readonly string[], silent: readonly string[]): SlackMessage {
  const headline = `${VERDICT_ICON[overall]} *${escapeMrkdwn(what)}: ${overall}* from ${regions.join(", ")}`;
  const lines = summaries.map((s) => {
    const failing = Object.values(s.results).filter((r) => r.status !== "pass");
    const detail = failing.map((r) => `${r.region} ${outcomeMrkdwn(r)}`).join(", ");
    return `${VERDICT_ICON[s.verdict]} \`${escapeMrkdwn(s.check.target)}\` ${s.verdict}${detail ? ` — ${detail}` : ""}`;
  });
  const notes = [`Verdict across ${regions.length} region${regions.length === 1 ? "" : "s"}: up = all pass, degraded = some fail, down = a quorum fails.`];
  if (silent.length > 0) notes.push(`No answer from ${silent.join(", ")} (counted as stale, not down).`);
  return {
    response_type: "ephemeral",
    replace_original: false,
    text: `${what}: ${overall}`,
    blocks: [section(headline), ...chunk(lines).map(section), context(notes.join(" "))],
  };
}

/** `/probe status`: counts per verdict and the checks that are not up. */
export function statusMessage(scope: string, verdicts: readonly { label: string; verdict: Verdict; failing: string[] }[]): SlackMessage {
  const counts: Record<Verdict, number> = { up: 0, degraded: 0, down: 0, unknown: 0 };
  for (const v of verdicts) counts[v.verdict]++;
  const headline = `*Status of ${escapeMrkdwn(scope)}*: ${(Object.keys(counts) as Verdict[]).map((v) => `${VERDICT_ICON[v]} ${counts[v]} ${v}`).join("  ")}`;
  const lines = verdicts
    .filter((v) => v.verdict !== "up")
    .map((v) => `${VERDICT_ICON[v.verdict]} ${escapeMrkdwn(v.label)} ${v.verdict}${v.failing.length ? ` — failing in ${v.failing.join(", ")}` : ""}`);
  return {
    response_type: "ephemeral",
    text: `Status of ${scope}`,
    blocks: [section(headline), ...chunk(lines).map(section), ...(verdicts.length === 0 ? [context("No results yet.")] : [])],
  };
}

function resultLine(r: ProbeResult): string {
  const perAddress = addressOutcomes(r);
  return `${STATUS_ICON[r.status]} \`${escapeMrkdwn(r.target)}\` ${outcomeMrkdwn(r)} in ${Math.round(r.durationMs)} ms${perAddress ? ` (${escapeMrkdwn(perAddress)})` : ""}`;
}

/** The outcome code; an expiring certificate adds the days it has left. */
export function outcomeMrkdwn(r: Pick<ProbeResult, "outcome" | "detail">): string {
  const daysLeft = r.detail?.daysLeft;
  if (r.outcome !== "tls_cert_expiring" || typeof daysLeft !== "number") return `\`${r.outcome}\``;
  return `\`${r.outcome}\` (${daysLeft} day${daysLeft === 1 ? "" : "s"} left)`;
}

/** Join lines into section-sized texts; at most 40 sections so a message stays under 50 blocks. */
function chunk(lines: readonly string[]): string[] {
  const texts: string[] = [];
  let current = "";
  for (const line of lines) {
    if (current && current.length + line.length + 1 > SECTION_LIMIT) {
      texts.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line.slice(0, SECTION_LIMIT);
  }
  if (current) texts.push(current);
  return texts.slice(0, 40);
}
