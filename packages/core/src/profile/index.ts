import { readFile } from "node:fs/promises";
import * as v from "valibot";
import { parse as parseYaml } from "yaml";
import { describeIssues } from "../catalog/schema.js";
import { MAX_RETRIES } from "../check/index.js";
import { MaintenanceSchema } from "../maintenance/index.js";
import { AwsRegionSchema, LocationNameSchema } from "../region/index.js";
import { MAX_CERT_MIN_DAYS } from "../target/index.js";

const TargetUri = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, "a target URI such as tcp://host:443"));
const HostValue = v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1))]);

const Retries = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_RETRIES));
const CertMinDays = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_CERT_MIN_DAYS));
const Quorum = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000));
const AlertOnSchema = v.picklist(["any", "quorum"]);

/**
 * One expectation: a requirement id or target whose probe must come out `blocked` (or `reachable`),
 * and/or its own `quorum` and `alertOn` (egress validation: one failing region is the finding).
 */
export const ExpectationRuleSchema = v.pipe(
  v.strictObject({
    requirement: v.optional(v.string()),
    target: v.optional(TargetUri),
    expect: v.optional(v.picklist(["blocked", "reachable"])),
    quorum: v.optional(Quorum),
    alertOn: v.optional(AlertOnSchema),
  }),
  v.check((e) => (e.requirement === undefined) !== (e.target === undefined), "give exactly one of requirement or target"),
  v.check((e) => e.expect !== undefined || e.quorum !== undefined || e.alertOn !== undefined, "give at least one of expect, quorum or alertOn"),
);

const DestinationName = v.pipe(v.string(), v.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "a destination name of letters, digits, - and _"));
const SecretName = v.pipe(v.string(), v.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, "a secret name such as PagerDutyKey (letters, digits, _)"));
const Names = v.union([v.pipe(v.string(), v.minLength(1), v.maxLength(200)), v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.minLength(1), v.maxLength(100))]);

/**
 * A named alert destination. Its URL (Slack, webhook) or routing key (PagerDuty) is a secret read
 * at run time by name (`secret`), never written into the profile; `url` may name a non-secret
 * endpoint (a PagerDuty-compatible receiver, a webhook without a token).
 */
export const DestinationSchema = v.pipe(
  v.strictObject({
    type: v.picklist(["slack", "webhook", "pagerduty"]),
    secret: v.optional(SecretName),
    url: v.optional(v.pipe(v.string(), v.maxLength(2048), v.url("an https:// URL"))),
  }),
  v.check((d) => (d.type === "pagerduty" ? d.secret !== undefined : d.secret !== undefined || d.url !== undefined), "a slack or webhook destination needs secret (or url); pagerduty needs secret (its routing key)"),
);

/** Which destinations an incident goes to: the first route whose match fits (every field optional). */
export const RouteSchema = v.strictObject({
  match: v.optional(
    v.strictObject({
      product: v.optional(Names),
      component: v.optional(Names),
      region: v.optional(Names),
      /** `critical` (down) or `warning` (degraded). */
      severity: v.optional(v.union([v.picklist(["critical", "warning"]), v.array(v.picklist(["critical", "warning"]))])),
    }),
    {},
  ),
  to: v.pipe(v.array(DestinationName), v.minLength(1), v.maxLength(20)),
});

/**
 * What one agent location probes, over the profile's own plan: `products`, `targets` and
 * `expectations` given here replace the profile's; `set` and `hosts` are merged over the profile's
 * (the location's values win). `directions` keeps only those catalog rows — an agent on one Auth0
 * node can probe the other nodes' `internal` cluster ports that no cloud region can reach.
 */
export const LocationSchema = v.strictObject({
  products: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))),
  geo: v.optional(v.string()),
  set: v.optional(v.record(v.string(), v.string())),
  hosts: v.optional(v.record(v.string(), HostValue)),
  targets: v.optional(v.array(TargetUri)),
  expectations: v.optional(v.array(ExpectationRuleSchema)),
  directions: v.optional(v.pipe(v.array(v.picklist(["egress", "ingress", "internal"])), v.minLength(1))),
  /** The agent's own probe interval (its `--interval` wins). */
  intervalS: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(86_400))),
});
export type Location = v.InferOutput<typeof LocationSchema>;

/** What to probe: products × geo × placeholder values × customer hosts. */
export const ProfileSchema = v.strictObject({
  products: v.optional(v.array(v.pipe(v.string(), v.minLength(1))), []),
  /** Vendor geography (Kong au/eu/in/me/us, StrongDM us/uk/eu). */
  geo: v.optional(v.string()),
  /** Placeholder values: CONTROL_PLANE_ID, PORTAL_ID, region… */
  set: v.optional(v.record(v.string(), v.string()), {}),
  /** Customer hosts named by `<key>` destinations: node, load-balancer, gateway, smtp-relay… */
  hosts: v.optional(v.record(v.string(), HostValue), {}),
  /** AWS regions the probes run in (never mixed with `geo`). */
  regions: v.optional(v.array(AwsRegionSchema)),
  intervalS: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(86_400))),
  expectations: v.optional(v.array(ExpectationRuleSchema), []),
  /** Forward proxy for outbound probes, e.g. http://proxy.internal:3128. */
  proxy: v.optional(v.pipe(v.string(), v.regex(/^https?:\/\/[^\s/]+(:\d+)?\/?$/, "an http://host:port proxy URL"))),
  /** Extra raw targets probed as they are. */
  targets: v.optional(v.array(TargetUri), []),
  /** Vendor pages watched for drift (core/drift): fetched on the watch schedule, imported and compared with the catalog in use. */
  watch: v.optional(
    v.array(v.strictObject({ product: v.pipe(v.string(), v.minLength(1)), url: v.pipe(v.string(), v.url("a page URL"), v.regex(/^https?:\/\//, "an http(s) URL")) })),
    [],
  ),
  /** Retries inside a round of a probe that timed out or was reset (default 1). */
  retries: v.optional(Retries),
  /** TLS/HTTPS checks fail as `tls_cert_expiring` when the leaf certificate expires within this many days (default 14). */
  certMinDays: v.optional(CertMinDays),
  /** Regions that must be down for `down` (default: a majority of the regions). */
  quorum: v.optional(Quorum),
  /** `any`: alert on the first failing region; `quorum`: only once the verdict is `down` (default any). */
  alertOn: v.optional(AlertOnSchema),
  /** Windows in which probing and storage go on but alerts are muted and new incidents are tagged (core/maintenance). */
  maintenance: v.optional(MaintenanceSchema),
  /** Named alert destinations (alerts go to all of them unless `routes` say otherwise). */
  destinations: v.optional(v.pipe(v.record(DestinationName, DestinationSchema), v.check((d) => Object.keys(d).length <= 20, "at most 20 destinations"))),
  /** Alert routes by product / component / region / severity; the first matching route wins, none matching = no alert. */
  routes: v.optional(v.pipe(v.array(RouteSchema), v.maxLength(100))),
  /** Re-alert incidents still open after this many minutes, and every as many minutes after (default: no reminders). */
  reminderMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(10_080))),
  /** Per-location plans of agents (`probemesh agent --location <name>`); a location without a section gets the whole plan. */
  locations: v.optional(v.pipe(v.record(LocationNameSchema, LocationSchema), v.check((l) => Object.keys(l).length <= 256, "at most 256 locations"))),
});

export type Profile = v.InferOutput<typeof ProfileSchema>;
export type Destination = v.InferOutput<typeof DestinationSchema>;
export type Route = v.InferOutput<typeof RouteSchema>;
export type ProfileInput = v.InferInput<typeof ProfileSchema>;

/** The profile text is not valid JSON/YAML or does not match the schema; the message names the field path. */
export class ProfileError extends Error {
  override name = "ProfileError";
}

/** Every route names a configured destination. */
function checkRoutes(profile: Profile, filename: string): Profile {
  for (const [index, route] of (profile.routes ?? []).entries()) {
    const unknown = route.to.find((name) => !profile.destinations?.[name]);
    if (unknown) throw new ProfileError(`${filename}: routes.${index}.to: no destination named ${unknown} (destinations: ${Object.keys(profile.destinations ?? {}).join(", ") || "none"})`);
  }
  return profile;
}

/** Parses a profile from JSON or YAML text (chosen by the file name; YAML accepts JSON too). */
export function parseProfile(text: string, filename = "profile"): Profile {
  let data: unknown;
  try {
    data = filename.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ProfileError(`${filename}: not valid ${filename.endsWith(".json") ? "JSON" : "YAML"}: ${firstLine(error)}`);
  }
  const result = v.safeParse(ProfileSchema, data ?? {});
  if (!result.success) throw new ProfileError(`${filename}: ${describeIssues(result.issues)}`);
  return checkRoutes(result.output, filename);
}

/** Reads and parses a profile file. */
export async function loadProfile(path: string): Promise<Profile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ProfileError(`${path}: cannot read profile: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`);
  }
  return parseProfile(text, path);
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split("\n")[0] ?? "";
}
