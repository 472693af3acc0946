import type { Incident, Store } from "@probemesh/core/store";
import { postJson, type PostOptions, type WebhookPolicy } from "./webhook.js";

export { assertWebhookUrl, postJson, WebhookFailedError, WebhookRefusedError, type PostOptions, type WebhookPolicy } from "./webhook.js";

/**
 * Incident alerts: each opened / resolved transition goes to a Slack incoming webhook and a
 * generic JSON webhook, retried with backoff, and never sent twice: before sending, the
 * alerter claims `alert#<incident id>#<transition>#<destination>` in the store, so a second
 * scheduler run, a retried Lambda or a concurrent region sees the claim and skips it.
 * The price is at-most-once delivery: a destination that stays down through every retry
 * loses that alert (logged), which is preferable to paging people twice.
 */

export type Transition = "opened" | "resolved";

/** What the scheduler hands over after `store.evaluate`. */
export interface Transitions {
  opened: Incident[];
  resolved: Incident[];
}

export interface AlerterDeps {
  store: Pick<Store, "claimOnce">;
  /** Slack incoming webhook URL (PROBEMESH_ALERT_SLACK_WEBHOOK). */
  slackWebhookUrl?: string;
  /** Generic JSON webhook URL (PROBEMESH_ALERT_WEBHOOK). */
  webhookUrl?: string;
  /** Hosts that may be posted to (PROBEMESH_WEBHOOK_HOSTS). */
  policy: WebhookPolicy;
  /** Human label of a check (target, product/component), when known. */
  describeCheck?: (checkId: string) => string | undefined;
  /** Retry / transport settings for the posts (tests shorten the backoff). */
  post?: Omit<PostOptions, "policy">;
  log?: (message: string) => void;
}

/** Claims stay long enough that no later run can resend an old transition. */
const CLAIM_TTL_SECONDS = 400 * 24 * 3600;

/** Builds the hook the scheduler calls with each evaluation's incident transitions. */
export function createAlerter(deps: AlerterDeps): (transitions: Transitions) => Promise<void> {
  const log = deps.log ?? ((message: string) => console.warn(message));
  const destinations: { name: string; url: string; body: (incident: Incident, transition: Transition) => unknown }[] = [];
  if (deps.slackWebhookUrl) destinations.push({ name: "slack", url: deps.slackWebhookUrl, body: (i, t) => slackAlert(i, t, deps.describeCheck?.(i.checkId)) });
  if (deps.webhookUrl) destinations.push({ name: "webhook", url: deps.webhookUrl, body: (i, t) => jsonAlert(i, t, deps.describeCheck?.(i.checkId)) });

  const send = async (incident: Incident, transition: Transition) => {
    for (const destination of destinations) {
      const key = `alert#${incident.id}#${transition}#${destination.name}`;
      if (!(await deps.store.claimOnce(key, CLAIM_TTL_SECONDS))) continue;
      try {
        await postJson(destination.url, destination.body(incident, transition), {
          ...deps.post,
          policy: deps.policy,
          headers: { "idempotency-key": `${incident.id}:${transition}`, ...deps.post?.headers },
        });
      } catch (error) {
        log(`alert ${transition} for incident ${incident.id} to ${destination.name} not delivered: ${(error as Error).message}`);
      }
    }
  };

  return async ({ opened, resolved }) => {
    if (destinations.length === 0) return;
    // Openings first: a check that opened and resolved in one evaluation reads in order.
    await Promise.all(opened.map((incident) => send(incident, "opened")));
    await Promise.all(resolved.map((incident) => send(incident, "resolved")));
  };
}

/** Alert destinations from the environment. */
export function alertUrlsFromEnv(env: Record<string, string | undefined> = process.env): Pick<AlerterDeps, "slackWebhookUrl" | "webhookUrl"> {
  const slack = env.PROBEMESH_ALERT_SLACK_WEBHOOK?.trim();
  const webhook = env.PROBEMESH_ALERT_WEBHOOK?.trim();
  return { ...(slack ? { slackWebhookUrl: slack } : {}), ...(webhook ? { webhookUrl: webhook } : {}) };
}

/** The generic webhook body: stable field names, the whole incident included. */
export function jsonAlert(incident: Incident, transition: Transition, label?: string) {
  return { event: `incident.${transition}`, incident, check: { checkId: incident.checkId, ...(label ? { label } : {}) } };
}

/** The Slack incoming-webhook body (Block Kit with a plain-text fallback). */
export function slackAlert(incident: Incident, transition: Transition, label?: string) {
  const what = label ?? incident.checkId;
  const text =
    transition === "opened"
      ? `:red_circle: ${incident.verdict.toUpperCase()}: ${what} — failing from ${incident.regions.join(", ")}`
      : `:large_green_circle: RESOLVED: ${what} — up again after ${duration(incident.openedAt, incident.resolvedAt)}`;
  const outcomes = Object.entries(incident.outcomes)
    .map(([outcome, count]) => `\`${outcome}\` ×${count}`)
    .join(", ");
  const facts = [
    `*Check* \`${incident.checkId}\``,
    `*Opened* ${incident.openedAt}`,
    ...(incident.resolvedAt ? [`*Resolved* ${incident.resolvedAt}`] : []),
    `*Regions* ${incident.regions.join(", ") || "—"}`,
    ...(incident.maintenance?.length ? [`*Opened in maintenance* ${incident.maintenance.join(", ")}`] : []),
    ...(outcomes ? [`*Outcomes* ${outcomes}`] : []),
  ];
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(text)}*` } },
      { type: "context", elements: [{ type: "mrkdwn", text: facts.join("  ·  ") }] },
    ],
  };
}

function duration(from: string, to: string | undefined): string {
  const ms = Math.max(0, Date.parse(to ?? from) - Date.parse(from));
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
