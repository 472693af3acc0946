import type { Check } from "@probemesh/core/check";
import type { Route } from "@probemesh/core/profile";
import type { Incident } from "@probemesh/core/store";

/**
 * Alert destinations and routes: what each kind of destination is sent (Slack incoming webhook,
 * generic JSON webhook, PagerDuty Events API v2) and which destinations an incident goes to.
 * Pure: the alerter (index.ts) does the posting, claiming and recording.
 */

export type DestinationKind = "slack" | "webhook" | "pagerduty";

/** A destination ready to post to: its secret already read. */
export interface ResolvedDestination {
  name: string;
  kind: DestinationKind;
  /** Where the post goes (PagerDuty: the Events API unless the profile names another endpoint). */
  url: string;
  /** PagerDuty integration (routing) key. */
  routingKey?: string;
}

/** PagerDuty's Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = "https://events.pagerduty.com/v2/enqueue";

/** What is being announced. */
export type AlertEvent =
  | { kind: "opened" | "resolved" | "reminder"; incident: Incident; label?: string; check?: Check }
  /** The scheduler's dead man's switch, or with `region` an agent location's (deadman/agents.ts): `tripped` = silent. */
  | { kind: "deadman"; region?: string; tripped: boolean; lastRoundAt: string | null; limitS: number; at: string };

/** `critical` for down, `warning` for degraded: the severity routes match on and PagerDuty gets. */
export function severityOf(incident: Pick<Incident, "verdict">): "critical" | "warning" {
  return incident.verdict === "down" ? "critical" : "warning";
}

/**
 * The destinations of one incident: with no routes every destination; otherwise the `to` of the
 * first route whose match fits the check's product and component, one of the incident's regions and
 * its severity (a route without a match fits everything; no fitting route means no alert).
 */
export function routeIncident(incident: Incident, check: Pick<Check, "product" | "component"> | undefined, destinations: readonly ResolvedDestination[], routes: readonly Route[] | undefined): ResolvedDestination[] {
  if (!routes?.length) return [...destinations];
  const fits = (wanted: string | string[] | undefined, values: (string | undefined)[]) => {
    if (wanted === undefined) return true;
    const list = Array.isArray(wanted) ? wanted : [wanted];
    return values.some((value) => value !== undefined && list.includes(value));
  };
  const route = routes.find(({ match = {} }) =>
    fits(match.product, [check?.product]) && fits(match.component, [check?.component]) && fits(match.region, incident.regions) && fits(match.severity, [severityOf(incident)]),
  );
  if (!route) return [];
  return destinations.filter((destination) => route.to.includes(destination.name));
}

/** The body `destination` is sent for `event`. */
export function bodyFor(destination: ResolvedDestination, event: AlertEvent): unknown {
  switch (destination.kind) {
    case "slack":
      return event.kind === "deadman" ? slackDeadman(event) : slackAlert(event.incident, event.kind, event.label);
    case "webhook":
      return event.kind === "deadman"
        ? { event: deadmanEventName(event), ...(event.region ? { region: event.region } : {}), lastRoundAt: event.lastRoundAt, limitS: event.limitS, at: event.at }
        : jsonAlert(event.incident, event.kind, event.label);
    case "pagerduty":
      return pagerDutyEvent(destination.routingKey ?? "", event);
  }
}

/** Stable dedup key of the dead man's switch in PagerDuty: one alert however often it trips. */
export const DEADMAN_DEDUP_KEY = "probemesh-deadman";

/** The event name a dead man's switch announcement is delivered (and recorded) as. */
export function deadmanEventName(event: Extract<AlertEvent, { kind: "deadman" }>): string {
  if (event.region) return event.tripped ? "agent.silent" : "agent.reporting";
  return event.tripped ? "deadman.tripped" : "deadman.recovered";
}

/**
 * A PagerDuty Events API v2 event: `trigger` when an incident opens (and for reminders: PagerDuty
 * folds them into the same alert by `dedup_key`), `resolve` with the same `dedup_key` when it closes.
 */
export function pagerDutyEvent(routingKey: string, event: AlertEvent) {
  if (event.kind === "deadman") {
    // One PagerDuty alert per switch: the scheduler's, and each agent location's own.
    const dedupKey = event.region ? `${DEADMAN_DEDUP_KEY}-${event.region}` : DEADMAN_DEDUP_KEY;
    if (!event.tripped) return { routing_key: routingKey, event_action: "resolve", dedup_key: dedupKey };
    return {
      routing_key: routingKey,
      event_action: "trigger",
      dedup_key: dedupKey,
      payload: {
        summary: event.region
          ? `probemesh: agent location ${event.region} has not reported since ${event.lastRoundAt} (limit ${event.limitS} s)`
          : `probemesh: no round completed since ${event.lastRoundAt ?? "start-up"} (limit ${event.limitS} s)`,
        source: event.region ? `probemesh ${event.region}` : "probemesh scheduler",
        severity: "critical",
        timestamp: event.at,
        component: event.region ? "agent" : "scheduler",
        class: "deadman",
      },
    };
  }
  const { incident } = event;
  if (event.kind === "resolved") return { routing_key: routingKey, event_action: "resolve", dedup_key: incident.id };
  return {
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: incident.id,
    payload: {
      summary: `${incident.verdict.toUpperCase()}: ${(event.label ?? incident.checkId).slice(0, 900)} — ${expiryNote(incident) ?? "failing"} from ${incident.regions.join(", ")}`.slice(0, 1024),
      source: `probemesh ${incident.regions.join(",")}`.slice(0, 255),
      severity: severityOf(incident),
      timestamp: incident.openedAt,
      ...(event.check?.component ? { component: event.check.component } : {}),
      ...(event.check?.product ? { group: event.check.product } : {}),
      class: Object.keys(incident.outcomes)[0] ?? "unreachable",
      custom_details: {
        checkId: incident.checkId,
        regions: incident.regions,
        outcomes: incident.outcomes,
        ...(incident.daysLeft !== undefined ? { daysLeft: incident.daysLeft } : {}),
        ...(incident.maintenance ? { maintenance: incident.maintenance } : {}),
      },
    },
  };
}

/** The generic webhook body: stable field names, the whole incident included. */
export function jsonAlert(incident: Incident, transition: "opened" | "resolved" | "reminder", label?: string) {
  return { event: `incident.${transition}`, incident, check: { checkId: incident.checkId, ...(label ? { label } : {}) } };
}

/** The Slack incoming-webhook body (Block Kit with a plain-text fallback). */
export function slackAlert(incident: Incident, transition: "opened" | "resolved" | "reminder", label?: string) {
  const what = label ?? incident.checkId;
  const text =
    transition === "resolved"
      ? `:large_green_circle: RESOLVED: ${what} — up again after ${duration(incident.openedAt, incident.resolvedAt)}`
      : `:red_circle: ${transition === "reminder" ? "STILL " : ""}${incident.verdict.toUpperCase()}: ${what} — ${expiryNote(incident) ?? "failing"} from ${incident.regions.join(", ")}`;
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

/** "certificate expires in 5 days" for an incident of an expiring certificate. */
export function expiryNote(incident: Pick<Incident, "daysLeft">): string | undefined {
  if (incident.daysLeft === undefined) return undefined;
  return `certificate expires in ${incident.daysLeft} day${incident.daysLeft === 1 ? "" : "s"}`;
}

function slackDeadman(event: Extract<AlertEvent, { kind: "deadman" }>) {
  const text = event.region
    ? event.tripped
      ? `:rotating_light: probemesh: agent location ${event.region} has not reported since ${event.lastRoundAt} (more than ${event.limitS} s): its network is not being probed`
      : `:large_green_circle: probemesh: agent location ${event.region} is reporting again (silent since ${event.lastRoundAt})`
    : event.tripped
    ? `:rotating_light: probemesh: no round has completed since ${event.lastRoundAt ?? "start-up"} (more than ${event.limitS} s): the scheduler is not running`
    : `:large_green_circle: probemesh: rounds are completing again (last ${event.lastRoundAt})`;
  return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(text) } }] };
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

/** The profile's destinations with their secrets read; ones whose secret is missing are listed as problems, not sent to. */
export function resolveDestinations(
  configured: Record<string, { type: DestinationKind; secret?: string | undefined; url?: string | undefined }> | undefined,
  secrets: Readonly<Record<string, string>>,
): { destinations: ResolvedDestination[]; problems: string[] } {
  const destinations: ResolvedDestination[] = [];
  const problems: string[] = [];
  for (const [name, config] of Object.entries(configured ?? {})) {
    const secret = config.secret === undefined ? undefined : secrets[config.secret];
    if (config.secret !== undefined && secret === undefined) {
      problems.push(`destination ${name}: secret ${config.secret} is not set (PROBEMESH_SECRET_${config.secret} locally, a linked sst.Secret on AWS)`);
      continue;
    }
    if (config.type === "pagerduty") destinations.push({ name, kind: "pagerduty", url: config.url ?? PAGERDUTY_EVENTS_URL, routingKey: secret! });
    else destinations.push({ name, kind: config.type, url: secret ?? config.url! });
  }
  return { destinations, problems };
}
