import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { defaultQuorum } from "../verdict/quorum.js";
import { stepIncident } from "../verdict/incidents.js";
import { activeWindows } from "../maintenance/index.js";
import { judgeChecks, type VerdictModel } from "../verdict/model.js";
import { packJson, unpackJson } from "./codec.js";
import { mapLimit, queryAll, type StoreContext } from "./context.js";
import { keys, monthsBetween, shardOf } from "./keys.js";
import { batchPutAll, withRetry } from "./retry.js";
import { readState } from "./state.js";
import type { CheckVerdict, EvaluateOptions, EvaluateOutcome, Incident, RegionHeartbeat } from "./types.js";

type VerdictBlob = VerdictModel["checks"];
const META_SK = "META";
/** Deletes of resolved incidents' open pointers in flight at once. */
const INCIDENT_WRITERS = 32;

/**
 * Judges every check with a latest result (core/verdict's `judgeChecks`, the one place a
 * verdict is computed), stores the verdict model that every reader reads, and opens, widens
 * and resolves incidents on the transitions.
 */
export async function evaluate(
  ctx: StoreContext,
  opts: EvaluateOptions,
  heartbeats: RegionHeartbeat[],
): Promise<EvaluateOutcome> {
  const now = opts.now.toISOString();
  const quorum = opts.quorum ?? defaultQuorum(opts.regions.length);
  const [latest, previousModel, openItems] = await Promise.all([
    readState(ctx).then((state) => state.latest),
    readVerdictModel(ctx),
    queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.openIncidents } }),
  ]);
  const previous: VerdictBlob = previousModel?.checks ?? {};
  const open = new Map(openItems.map((item) => [item.sk as string, item.incident as Incident]));
  const planned = new Map((opts.checks ?? []).map((check) => [check.checkId, check]));
  const quorumOf = (checkId: string) => planned.get(checkId)?.quorum;
  const judgements = judgeChecks({
    latest,
    heartbeats,
    regions: opts.regions,
    now: opts.now,
    staleAfterMs: opts.staleAfterMs,
    quorumOf,
    ...(opts.quorum !== undefined ? { quorum: opts.quorum } : {}),
    ...(opts.probes ? { probes: opts.probes } : {}),
    ...(opts.counts ? { counts: opts.counts } : {}),
  });

  const verdicts: CheckVerdict[] = [];
  const opened: Incident[] = [];
  const resolved: Incident[] = [];
  const alerts: EvaluateOutcome["alerts"] = { opened: [], resolved: [], open: [] };
  const next: VerdictBlob = {};
  const changed: Incident[] = [];
  for (const { failing, outcomes, daysLeft, quorum: ownQuorum, ...judged } of judgements) {
    const before = previous[judged.checkId];
    const since = before && before.verdict === judged.verdict ? before.since : now;
    const check = planned.get(judged.checkId);
    const windows = activeWindows({ maintenance: opts.maintenance }, opts.now, { checkId: judged.checkId, ...check });
    next[judged.checkId] = {
      verdict: judged.verdict,
      since,
      regions: judged.regions,
      ...(ownQuorum !== undefined ? { quorum: ownQuorum } : {}),
      ...(windows.length > 0 ? { maintenance: windows } : {}),
    };
    verdicts.push({ ...judged, since });
    const policy = { windows, ...(check?.alertOn ? { alertOn: check.alertOn } : {}) };
    const step = stepIncident(judged.checkId, open.get(judged.checkId), judged.verdict, { regions: failing, outcomes, ...(daysLeft === undefined ? {} : { daysLeft }) }, now, policy);
    if (step.alert === "opened") alerts.opened.push(step.open!);
    if (step.alert === "resolved") alerts.resolved.push(step.resolved!);
    else if (step.open && step.open.alerted !== false && step.alert !== "opened") alerts.open.push(step.open);
    if (step.opened) opened.push(step.opened);
    if (step.resolved) {
      resolved.push(step.resolved);
      changed.push(step.resolved);
    } else if (step.changed && step.open) {
      changed.push(step.open);
    }
  }
  // Each check has at most one incident change per evaluation, so they are independent: a wide
  // outage opening 100,000 incidents is written in batches, not two round trips after another each.
  await saveIncidents(ctx, changed);
  await saveVerdicts(ctx, { evaluatedAt: now, regions: [...opts.regions], quorum, checks: next }, previous);
  return { verdicts, opened, resolved, alerts };
}

/** The stored verdict model (undefined before the first evaluation). */
export async function readVerdictModel(ctx: StoreContext): Promise<VerdictModel | undefined> {
  const items = await queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.verdicts } });
  const meta = items.find((item) => item.sk === META_SK);
  if (!meta) return undefined;
  const checks: VerdictBlob = Object.assign({}, ...items.filter((item) => item.sk !== META_SK).map((item) => unpackJson<VerdictBlob>(item.d as Uint8Array)));
  return { evaluatedAt: meta.evaluatedAt as string, regions: meta.regions as string[], quorum: meta.quorum as number, checks };
}

/**
 * When the stored verdict model was last evaluated (undefined before the first round): one
 * GetItem of the small meta item, cheap enough for a page to poll every second.
 */
export async function readEvaluatedAt(ctx: StoreContext): Promise<string | undefined> {
  const output = await withRetry("GetItem", ctx.retry, () =>
    ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: { pk: keys.verdicts, sk: META_SK }, ProjectionExpression: "evaluatedAt" })),
  );
  return output.Item?.evaluatedAt as string | undefined;
}

/**
 * The incident records (by opening month, and by resolving month on GSI1) and the open pointers:
 * records and pointers of open incidents in batches of 25, then the pointers of resolved ones.
 */
async function saveIncidents(ctx: StoreContext, incidents: Incident[]): Promise<void> {
  const records = incidents.map((incident) => ({
    pk: keys.incidentsOpened(incident.openedAt),
    sk: `${incident.openedAt}#${incident.id}`,
    incident,
    ...(incident.resolvedAt
      ? { gsi1pk: keys.incidentsResolved(incident.resolvedAt), gsi1sk: `${incident.resolvedAt}#${incident.id}` }
      : {}),
  }));
  const pointers = incidents.filter((incident) => !incident.resolvedAt).map((incident) => ({ pk: keys.openIncidents, sk: incident.checkId, incident }));
  await batchPutAll(ctx.doc, ctx.table, [...records, ...pointers], ctx.retry);
  const closed = incidents.filter((incident) => incident.resolvedAt);
  await mapLimit(closed, INCIDENT_WRITERS, (incident) =>
    withRetry("DeleteItem", ctx.retry, () => ctx.doc.send(new DeleteCommand({ TableName: ctx.table, Key: { pk: keys.openIncidents, sk: incident.checkId } }))),
  );
}

/**
 * Verdict blobs are sharded like region state and only shards that changed are written; the
 * small meta item (evaluation time, regions, quorum) is written every round, so readers can
 * tell a live model from one the scheduler stopped updating.
 */
async function saveVerdicts(ctx: StoreContext, model: VerdictModel, previous: VerdictBlob): Promise<void> {
  const shards = new Map<number, VerdictBlob>();
  const changedShards = new Set<number>();
  for (const [checkId, value] of Object.entries(model.checks)) {
    const shard = shardOf(checkId, ctx.shards);
    // Filled in place: spreading the shard's blob per check would be quadratic at 100,000 checks.
    const blob = shards.get(shard) ?? {};
    blob[checkId] = value;
    shards.set(shard, blob);
    if (JSON.stringify(previous[checkId]) !== JSON.stringify(value)) changedShards.add(shard);
  }
  const items: Array<Record<string, unknown>> = [...changedShards].map((shard) => ({
    pk: keys.verdicts,
    sk: keys.verdictShard(shard),
    d: packJson(shards.get(shard)),
  }));
  items.push({ pk: keys.verdicts, sk: META_SK, evaluatedAt: model.evaluatedAt, regions: model.regions, quorum: model.quorum });
  await batchPutAll(ctx.doc, ctx.table, items, ctx.retry);
}

/** Incidents open at any moment of [from, to): opened in it, resolved in or after it, or still open. */
export async function incidentsBetween(ctx: StoreContext, from: string, to: string): Promise<Incident[]> {
  const now = ctx.now().toISOString();
  const openedQueries = monthsBetween(from, to).map((month) =>
    queryAll(ctx, {
      KeyConditionExpression: "pk = :pk AND sk BETWEEN :from AND :to",
      ExpressionAttributeValues: { ":pk": keys.incidentsOpened(month), ":from": from, ":to": to },
    }),
  );
  const resolvedQueries = monthsBetween(from, now > to ? now : to).map((month) =>
    queryAll(ctx, {
      IndexName: "gsi1",
      KeyConditionExpression: "gsi1pk = :pk AND gsi1sk >= :from",
      ExpressionAttributeValues: { ":pk": keys.incidentsResolved(month), ":from": from },
    }),
  );
  const openQuery = queryAll(ctx, {
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": keys.openIncidents },
  });
  const found = new Map<string, Incident>();
  for (const item of (await Promise.all([...openedQueries, ...resolvedQueries, openQuery])).flat()) {
    const incident = item.incident as Incident;
    const known = found.get(incident.id);
    // A resolved copy beats the open pointer.
    if (!known || (incident.resolvedAt && !known.resolvedAt)) found.set(incident.id, incident);
  }
  return [...found.values()]
    .filter((i) => i.openedAt < to && (i.resolvedAt === undefined || i.resolvedAt >= from))
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}
