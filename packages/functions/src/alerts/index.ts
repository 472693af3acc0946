import type { Check } from "@probemesh/core/check";
import type { Route } from "@probemesh/core/profile";
import type { Incident, Store } from "@probemesh/core/store";
import { bodyFor, deadmanEventName, routeIncident, type AlertEvent, type ResolvedDestination } from "./destinations.js";
import { postJson, type PostOptions, type WebhookPolicy } from "./webhook.js";

export { assertWebhookUrl, hostEntryOf, parseHostEntry, postJson, WebhookFailedError, WebhookRefusedError, type PostOptions, type WebhookPolicy } from "./webhook.js";
export {
  DEADMAN_DEDUP_KEY,
  escapeMrkdwn,
  jsonAlert,
  PAGERDUTY_EVENTS_URL,
  pagerDutyEvent,
  resolveDestinations,
  routeIncident,
  severityOf,
  slackAlert,
  type AlertEvent,
  type DestinationKind,
  type ResolvedDestination,
} from "./destinations.js";

/**
 * Incident alerts: each transition that alerts (core/verdict decides which: alertOn, maintenance)
 * goes to the destinations its route names, retried with backoff, and never sent twice: before
 * sending, the alerter claims `alert#<incident id>#<transition>#<destination>` in the store, so a
 * second scheduler run, a retried Lambda or a concurrent region sees the claim and skips it.
 * The price is at-most-once delivery: a destination that stays down through every retry loses
 * that alert, which is logged and recorded per destination (shown by /healthz) — preferable to
 * paging people twice.
 */

export type Transition = "opened" | "resolved";

/** What the scheduler hands over after `store.evaluate`. */
export interface Transitions {
  opened: Incident[];
  resolved: Incident[];
}

export interface AlerterDeps {
  store: Pick<Store, "claimOnce"> & Partial<Pick<Store, "recordAlertDelivery">>;
  /** Slack incoming webhook URL (PROBEMESH_ALERT_SLACK_WEBHOOK): destination `slack`. */
  slackWebhookUrl?: string;
  /** Generic JSON webhook URL (PROBEMESH_ALERT_WEBHOOK): destination `webhook`. */
  webhookUrl?: string;
  /** The profile's named destinations, secrets already read. */
  destinations?: ResolvedDestination[];
  /** The profile's routes (none: every destination gets every alert). */
  routes?: Route[];
  /** Remind about open incidents after this many minutes, and every as many minutes after. */
  reminderMinutes?: number;
  /** Hosts that may be posted to (PROBEMESH_WEBHOOK_HOSTS). */
  policy: WebhookPolicy;
  /** Human label of a check (target, product/component), when known. */
  describeCheck?: (checkId: string) => string | undefined;
  /** The planned check (product, component) that routes match on. */
  checkOf?: (checkId: string) => Check | undefined;
  /** Retry / transport settings for the posts (tests shorten the backoff). */
  post?: Omit<PostOptions, "policy">;
  log?: (message: string) => void;
  now?: () => Date;
}

/** What the scheduler calls with each evaluation's transitions, and the dead man's switch with its state. */
export interface Alerter {
  (transitions: Transitions): Promise<void>;
  /** Reminds about alerted incidents still open, every `reminderMinutes` after the opening (each reminder once). */
  remind(open: readonly Incident[]): Promise<void>;
  /** Announces the dead man's switch (the scheduler's, or an agent location's) tripping or recovering to every destination, once per trip. */
  deadman(event: Extract<AlertEvent, { kind: "deadman" }>): Promise<void>;
  /** The destinations alerts can go to. */
  readonly destinations: readonly ResolvedDestination[];
}

/** Claims stay long enough that no later run can resend an old transition. */
const CLAIM_TTL_SECONDS = 400 * 24 * 3600;

/** Builds the hook the scheduler calls with each evaluation's incident transitions. */
export function createAlerter(deps: AlerterDeps): Alerter {
  const log = deps.log ?? ((message: string) => console.warn(message));
  const now = deps.now ?? (() => new Date());
  const destinations: ResolvedDestination[] = [
    ...(deps.slackWebhookUrl ? [{ name: "slack", kind: "slack" as const, url: deps.slackWebhookUrl }] : []),
    ...(deps.webhookUrl ? [{ name: "webhook", kind: "webhook" as const, url: deps.webhookUrl }] : []),
    ...(deps.destinations ?? []),
  ];

  /** Claims `key` for `destination`, posts, and records how it went; never throws. */
  const deliver = async (destination: ResolvedDestination, key: string, event: AlertEvent, eventName: string, idempotencyKey: string) => {
    if (!(await deps.store.claimOnce(`${key}#${destination.name}`, CLAIM_TTL_SECONDS))) return;
    let delivery: { ok: boolean; attempts?: number; error?: string };
    try {
      const sent = await postJson(destination.url, bodyFor(destination, event), {
        ...deps.post,
        policy: deps.policy,
        headers: { "idempotency-key": idempotencyKey, ...deps.post?.headers },
      });
      delivery = { ok: true, attempts: sent.attempts };
    } catch (error) {
      const attempts = (error as { attempts?: number }).attempts;
      delivery = { ok: false, ...(attempts ? { attempts } : {}), error: (error as Error).message.slice(0, 300) };
      log(`alert ${eventName} (${idempotencyKey}) to ${destination.name} not delivered: ${delivery.error}`);
    }
    await deps.store.recordAlertDelivery?.({ destination: destination.name, at: now().toISOString(), event: eventName, ...delivery }).catch((error: Error) => {
      log(`alert delivery to ${destination.name} not recorded: ${error.message}`);
    });
  };

  const send = async (incident: Incident, kind: "opened" | "resolved" | "reminder", key: string) => {
    const check = deps.checkOf?.(incident.checkId);
    const label = deps.describeCheck?.(incident.checkId);
    const event: AlertEvent = { kind, incident, ...(label ? { label } : {}), ...(check ? { check } : {}) };
    const targets = routeIncident(incident, check, destinations, deps.routes);
    await Promise.all(targets.map((destination) => deliver(destination, key, event, `incident.${kind}`, key.slice("alert#".length).replace(/#/g, ":"))));
  };

  const reminderMs = deps.reminderMinutes ? deps.reminderMinutes * 60_000 : undefined;
  const alerter = async ({ opened, resolved }: Transitions) => {
    if (destinations.length === 0) return;
    // Openings first: a check that opened and resolved in one evaluation reads in order.
    await Promise.all(opened.map((incident) => send(incident, "opened", `alert#${incident.id}#opened`)));
    await Promise.all(resolved.map((incident) => send(incident, "resolved", `alert#${incident.id}#resolved`)));
  };
  const remind = async (open: readonly Incident[]) => {
    if (!reminderMs || destinations.length === 0) return;
    await Promise.all(
      open
        .filter((incident) => incident.alerted !== false && !incident.resolvedAt)
        .map((incident) => {
          // The n-th reminder is due n × reminderMinutes after the opening; each is claimed once.
          const due = Math.floor((now().getTime() - Date.parse(incident.openedAt)) / reminderMs);
          return due >= 1 ? send(incident, "reminder", `alert#${incident.id}#reminder-${due}`) : undefined;
        }),
    );
  };
  return Object.assign(alerter, {
    destinations,
    remind,
    async deadman(event: Extract<AlertEvent, { kind: "deadman" }>) {
      // Once per silence: keyed by the switch (an agent location's own) and the round it began after.
      const key = `deadman#${event.region ? `${event.region}#` : ""}${event.lastRoundAt ?? "never"}#${event.tripped ? "tripped" : "recovered"}`;
      await Promise.all(destinations.map((destination) => deliver(destination, key, event, deadmanEventName(event), key)));
    },
  });
}

/** Alert destinations from the environment. */
export function alertUrlsFromEnv(env: Record<string, string | undefined> = process.env): Pick<AlerterDeps, "slackWebhookUrl" | "webhookUrl"> {
  const slack = env.PROBEMESH_ALERT_SLACK_WEBHOOK?.trim();
  const webhook = env.PROBEMESH_ALERT_WEBHOOK?.trim();
  return { ...(slack ? { slackWebhookUrl: slack } : {}), ...(webhook ? { webhookUrl: webhook } : {}) };
}
