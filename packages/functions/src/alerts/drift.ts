import type { DriftSource } from "@probemesh/core/drift";
import type { AlerterDeps } from "./index.js";
import { escapeMrkdwn } from "./index.js";
import { postJson } from "./webhook.js";

/** Claims stay long enough that no later run can resend an old change. */
const CLAIM_TTL_SECONDS = 400 * 24 * 3600;

/**
 * Drift alerts go to the incident alert channels (Slack incoming webhook, generic webhook),
 * once per change and destination: `drift#<product>#<fingerprint>#<destination>` is claimed first.
 */
export function createDriftAlerter(deps: Omit<AlerterDeps, "describeCheck">): (source: DriftSource) => Promise<void> {
  const log = deps.log ?? ((message: string) => console.warn(message));
  const destinations = [
    ...(deps.slackWebhookUrl ? [{ name: "slack", url: deps.slackWebhookUrl, body: slackDrift }] : []),
    ...(deps.webhookUrl ? [{ name: "webhook", url: deps.webhookUrl, body: jsonDrift }] : []),
  ];
  return async (source) => {
    if (!source.changed) return;
    for (const destination of destinations) {
      if (!(await deps.store.claimOnce(`drift#${source.product}#${source.fingerprint}#${destination.name}`, CLAIM_TTL_SECONDS))) continue;
      try {
        await postJson(destination.url, destination.body(source), {
          ...deps.post,
          policy: deps.policy,
          headers: { "idempotency-key": `drift:${source.product}:${source.fingerprint}`, ...deps.post?.headers },
        });
      } catch (error) {
        log(`drift alert for ${source.product} to ${destination.name} not delivered: ${(error as Error).message}`);
      }
    }
  };
}

/** The generic webhook body. */
export function jsonDrift(source: DriftSource) {
  return { event: "catalog.drift", drift: source };
}

/** The Slack body: what changed on the vendor's page, a few lines at most. */
export function slackDrift(source: DriftSource) {
  const counts = `${source.added.length} added, ${source.removed.length} removed, ${source.modified.length} modified`;
  const text = `:warning: The ${source.product} requirements page changed (${counts}): ${source.url}`;
  const lines = [
    ...source.added.map((e) => `+ ${e.component}/${e.id}  ${e.summary}`),
    ...source.removed.map((e) => `- ${e.component}/${e.id}  ${e.summary}`),
    ...source.modified.map((e) => `~ ${e.component}/${e.id}  ${e.changes.map((c) => c.field).join(", ")}`),
  ];
  const shown = lines.slice(0, 10).join("\n") + (lines.length > 10 ? `\n… ${lines.length - 10} more` : "");
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${escapeMrkdwn(text)}*` } },
      { type: "section", text: { type: "mrkdwn", text: `\`\`\`${escapeMrkdwn(shown)}\`\`\`` } },
    ],
  };
}
