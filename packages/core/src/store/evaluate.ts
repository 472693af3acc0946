import { DeleteCommand, GetCommand } from "@aws-sdk/lib-dynamodb";
import { defaultQuorum } from "../verdict/quorum.js";
import { stepIncident } from "../verdict/incidents.js";
import { activeWindows } from "../maintenance/index.js";
import { judgeChecks, type StoredVerdict, type VerdictModel } from "../verdict/model.js";
import { packJson, unpackJson } from "./codec.js";
import type { Check } from "../check/index.js";
import { batchGetAll, mapLimit, queryAll, type StoreContext } from "./context.js";
import { keys, monthsBetween, shardOf } from "./keys.js";
import { batchPutAll, withRetry } from "./retry.js";
import { readStateShard, regionLayouts } from "./state.js";
import type { EvaluateOptions, EvaluateOutcome, Incident, LatestEntry, RegionHeartbeat } from "./types.js";

type VerdictBlob = VerdictModel["checks"];
const META_SK = "META";
/** Deletes of resolved incidents' open pointers in flight at once. */
const INCIDENT_WRITERS = 32;
/** Shards judged at once: enough to overlap one shard's reads with another's judging, few enough to bound memory. */
const SHARD_EVALUATORS = 2;

/** The meta item of the stored model; `shards` is absent when its shards predate the key change (pk `VERDICT`, sk `SHARD#n`). */
interface VerdictMeta {
  evaluatedAt: string;
  regions: string[];
  quorum: number;
  shards?: number;
}

/** What an evaluation shares between its shards. */
interface Round {
  opts: EvaluateOptions;
  heartbeats: RegionHeartbeat[];
  now: string;
  planned: Map<string, Check>;
  open: Map<string, Incident>;
  outcome: EvaluateOutcome;
}

/**
 * Judges every check with a latest result (core/verdict's `judgeChecks`, the one place a
 * verdict is computed), stores the verdict model that every reader reads, and opens, widens
 * and resolves incidents on the transitions. Shard by shard: a check's verdict shard and its
 * state shard are the same `shardOf(checkId, shards)`, so shard n is judged from state item n
 * of every region and verdict item n, and only a few shards' results are in memory at once.
 */
export async function evaluate(
  ctx: StoreContext,
  opts: EvaluateOptions,
  heartbeats: RegionHeartbeat[],
): Promise<EvaluateOutcome> {
  const now = opts.now.toISOString();
  const quorum = opts.quorum ?? defaultQuorum(opts.regions.length);
  const [layouts, meta, openItems] = await Promise.all([
    regionLayouts(ctx),
    readVerdictMeta(ctx),
    queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.openIncidents } }),
  ]);
  const round: Round = {
    opts,
    heartbeats,
    now,
    planned: new Map((opts.checks ?? []).map((check) => [check.checkId, check])),
    open: new Map(openItems.map((item) => [item.sk as string, item.incident as Incident])),
    outcome: { verdicts: [], opened: [], resolved: [], alerts: { opened: [], resolved: [], open: [] } },
  };
  // A model stored under another shard count (or before the key change) is read whole once, and every shard is rewritten.
  const relayout = meta !== undefined && meta.shards !== ctx.shards;
  const carried = relayout ? (await verdictsOf(ctx, meta)) : undefined;
  await mapLimit(
    Array.from({ length: ctx.shards }, (_, shard) => shard),
    SHARD_EVALUATORS,
    async (shard) => {
      const [latest, previous] = await Promise.all([readStateShard(ctx, layouts, shard), carried ?? (meta ? readVerdictShard(ctx, shard) : {})]);
      const { next, changed, rewrite } = judgeShard(round, latest, previous, shard, ctx.shards);
      // Each check has at most one incident change per evaluation, so they are independent: a wide
      // outage opening 100,000 incidents is written in batches, not two round trips after another each.
      await saveIncidents(ctx, changed);
      if (rewrite || relayout) await batchPutAll(ctx.doc, ctx.table, [{ pk: keys.verdict(shard), sk: keys.verdictSk, d: packJson(next) }], ctx.retry);
    },
  );
  const { outcome } = round;
  for (const list of [outcome.verdicts, outcome.opened, outcome.resolved, outcome.alerts.opened, outcome.alerts.resolved, outcome.alerts.open]) {
    list.sort((a, b) => a.checkId.localeCompare(b.checkId));
  }
  // Written last, so a reader never takes a half-written model of a new shard count for a live one.
  const metaItem: VerdictMeta = { evaluatedAt: now, regions: [...opts.regions], quorum, shards: ctx.shards };
  await batchPutAll(ctx.doc, ctx.table, [{ pk: keys.verdicts, sk: META_SK, ...metaItem }], ctx.retry);
  return outcome;
}

/**
 * One shard's verdicts and incident steps, added to the round's outcome. Returns the shard's
 * new verdict blob, its incident changes and whether the blob differs from the stored one.
 */
function judgeShard(round: Round, latest: LatestEntry[], previous: VerdictBlob, shard: number, shards: number) {
  const { opts, now, planned, open, outcome } = round;
  const judgements = judgeChecks({
    latest,
    heartbeats: round.heartbeats,
    regions: opts.regions,
    now: opts.now,
    staleAfterMs: opts.staleAfterMs,
    quorumOf: (checkId) => planned.get(checkId)?.quorum,
    ...(opts.quorum !== undefined ? { quorum: opts.quorum } : {}),
    ...(opts.probes ? { probes: opts.probes } : {}),
    ...(opts.counts ? { counts: opts.counts } : {}),
  });
  const next: VerdictBlob = {};
  const changed: Incident[] = [];
  let rewrite = false;
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
    if (!rewrite && !sameVerdict(before, next[judged.checkId]!)) rewrite = true;
    outcome.verdicts.push({ ...judged, since });
    const policy = { windows, ...(check?.alertOn ? { alertOn: check.alertOn } : {}) };
    const step = stepIncident(judged.checkId, open.get(judged.checkId), judged.verdict, { regions: failing, outcomes, ...(daysLeft === undefined ? {} : { daysLeft }) }, now, policy);
    if (step.alert === "opened") outcome.alerts.opened.push(step.open!);
    if (step.alert === "resolved") outcome.alerts.resolved.push(step.resolved!);
    else if (step.open && step.open.alerted !== false && step.alert !== "opened") outcome.alerts.open.push(step.open);
    if (step.opened) outcome.opened.push(step.opened);
    if (step.resolved) {
      outcome.resolved.push(step.resolved);
      changed.push(step.resolved);
    } else if (step.changed && step.open) {
      changed.push(step.open);
    }
  }
  // A check of this shard that is gone from the state is dropped from the stored blob too.
  if (!rewrite) rewrite = Object.keys(previous).some((checkId) => !(checkId in next) && shardOf(checkId, shards) === shard);
  return { next, changed, rewrite };
}

/** Whether a stored verdict is unchanged (field by field: two JSON.stringify per check were a tenth of a 2 M-result evaluation). */
function sameVerdict(before: StoredVerdict | undefined, after: StoredVerdict): boolean {
  if (!before || before.verdict !== after.verdict || before.since !== after.since || before.quorum !== after.quorum) return false;
  if ((before.maintenance || after.maintenance) && JSON.stringify(before.maintenance) !== JSON.stringify(after.maintenance)) return false;
  const regions = Object.keys(after.regions);
  return regions.length === Object.keys(before.regions).length && regions.every((region) => before.regions[region] === after.regions[region]);
}

async function readVerdictMeta(ctx: StoreContext): Promise<VerdictMeta | undefined> {
  const output = await withRetry("GetItem", ctx.retry, () => ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: { pk: keys.verdicts, sk: META_SK } })));
  return output.Item as VerdictMeta | undefined;
}

async function readVerdictShard(ctx: StoreContext, shard: number): Promise<VerdictBlob> {
  const output = await withRetry("GetItem", ctx.retry, () => ctx.doc.send(new GetCommand({ TableName: ctx.table, Key: { pk: keys.verdict(shard), sk: keys.verdictSk } })));
  return output.Item ? unpackJson<VerdictBlob>(output.Item.d as Uint8Array) : {};
}

/** Every stored verdict: the shard items of the meta's count, or (before the key change) the shard items under `VERDICT`. */
async function verdictsOf(ctx: StoreContext, meta: VerdictMeta): Promise<VerdictBlob> {
  const items =
    meta.shards === undefined
      ? (await queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.verdicts } })).filter((item) => item.sk !== META_SK)
      : await batchGetAll(ctx, Array.from({ length: meta.shards }, (_, shard) => ({ pk: keys.verdict(shard), sk: keys.verdictSk })));
  return Object.assign({}, ...items.map((item) => unpackJson<VerdictBlob>(item.d as Uint8Array)));
}

/** The stored verdict model (undefined before the first evaluation). */
export async function readVerdictModel(ctx: StoreContext): Promise<VerdictModel | undefined> {
  const meta = await readVerdictMeta(ctx);
  if (!meta) return undefined;
  return { evaluatedAt: meta.evaluatedAt, regions: meta.regions, quorum: meta.quorum, checks: await verdictsOf(ctx, meta) };
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
