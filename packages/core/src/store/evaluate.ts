import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Outcome } from "../result/index.js";
import { crossRegionVerdict, defaultQuorum, isStale, stepIncident } from "../verdict/index.js";
import { packJson, unpackJson } from "./codec.js";
import { queryAll, type StoreContext } from "./context.js";
import { keys, monthsBetween, shardOf } from "./keys.js";
import { batchPutAll, withRetry } from "./retry.js";
import { readLatest } from "./state.js";
import type { CheckVerdict, EvaluateOptions, EvaluateOutcome, Incident, LatestEntry, RegionHeartbeat, RegionState } from "./types.js";

type VerdictBlob = Record<string, { verdict: CheckVerdict["verdict"]; since: string }>;

/**
 * Cross-region verdict for every check with a latest result, compared with the stored
 * verdicts; incidents open, widen and resolve on the transitions and are stored.
 */
export async function evaluate(
  ctx: StoreContext,
  opts: EvaluateOptions,
  heartbeats: RegionHeartbeat[],
): Promise<EvaluateOutcome> {
  const now = opts.now.toISOString();
  const quorum = opts.quorum ?? defaultQuorum(opts.regions.length);
  const [latest, previousBlobs, openItems] = await Promise.all([
    readLatest(ctx),
    queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.verdicts } }),
    queryAll(ctx, { KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": keys.openIncidents } }),
  ]);
  const previous: VerdictBlob = Object.assign({}, ...previousBlobs.map((item) => unpackJson<VerdictBlob>(item.d as Uint8Array)));
  const open = new Map(openItems.map((item) => [item.sk as string, item.incident as Incident]));
  const heartbeatAt = new Map(heartbeats.map((h) => [h.region, h.at]));
  const byCheck = new Map<string, Map<string, LatestEntry>>();
  for (const entry of latest) {
    const regions = byCheck.get(entry.checkId) ?? new Map<string, LatestEntry>();
    regions.set(entry.region, entry);
    byCheck.set(entry.checkId, regions);
  }

  const verdicts: CheckVerdict[] = [];
  const opened: Incident[] = [];
  const resolved: Incident[] = [];
  const next: VerdictBlob = {};
  for (const [checkId, entries] of [...byCheck].sort(([a], [b]) => a.localeCompare(b))) {
    const regions: Record<string, RegionState | "stale"> = {};
    for (const region of opts.regions) {
      const entry = entries.get(region);
      const heartbeat = heartbeatAt.get(region);
      const stale =
        !entry ||
        isStale(entry.result.at, opts.now, opts.staleAfterMs) ||
        (heartbeat !== undefined && isStale(heartbeat, opts.now, opts.staleAfterMs));
      regions[region] = stale ? "stale" : entry.state;
    }
    const verdict = crossRegionVerdict(regions, quorum);
    const before = previous[checkId];
    const since = before && before.verdict === verdict ? before.since : now;
    next[checkId] = { verdict, since };
    verdicts.push({ checkId, verdict, regions, since });

    const failing = opts.regions.filter((region) => regions[region] === "down");
    const outcomes: Partial<Record<Outcome, number>> = {};
    for (const region of failing) {
      // A down region already passing again (not yet recovered) adds no failure outcome.
      const { outcome, status } = entries.get(region)!.result;
      if (status !== "pass") outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    const step = stepIncident(checkId, open.get(checkId), verdict, { regions: failing, outcomes }, now);
    if (step.opened) opened.push(step.opened);
    if (step.resolved) {
      resolved.push(step.resolved);
      await saveIncident(ctx, step.resolved);
    } else if (step.changed && step.open) {
      await saveIncident(ctx, step.open);
    }
  }
  await saveVerdicts(ctx, next, previous);
  return { verdicts, opened, resolved };
}

/** The incident record (by opening month, and by resolving month on GSI1) and the open pointer. */
async function saveIncident(ctx: StoreContext, incident: Incident): Promise<void> {
  const record = {
    pk: keys.incidentsOpened(incident.openedAt),
    sk: `${incident.openedAt}#${incident.id}`,
    incident,
    ...(incident.resolvedAt
      ? { gsi1pk: keys.incidentsResolved(incident.resolvedAt), gsi1sk: `${incident.resolvedAt}#${incident.id}` }
      : {}),
  };
  await withRetry("PutItem", ctx.retry, () => ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: record })));
  const pointer = { pk: keys.openIncidents, sk: incident.checkId };
  if (incident.resolvedAt) {
    await withRetry("DeleteItem", ctx.retry, () => ctx.doc.send(new DeleteCommand({ TableName: ctx.table, Key: pointer })));
  } else {
    await withRetry("PutItem", ctx.retry, () =>
      ctx.doc.send(new PutCommand({ TableName: ctx.table, Item: { ...pointer, incident } })),
    );
  }
}

/** Verdict blobs are sharded like region state; only shards that changed are written. */
async function saveVerdicts(ctx: StoreContext, next: VerdictBlob, previous: VerdictBlob): Promise<void> {
  const shards = new Map<number, VerdictBlob>();
  const changedShards = new Set<number>();
  for (const [checkId, value] of Object.entries(next)) {
    const shard = shardOf(checkId, ctx.shards);
    shards.set(shard, { ...shards.get(shard), [checkId]: value });
    const before = previous[checkId];
    if (!before || before.verdict !== value.verdict || before.since !== value.since) changedShards.add(shard);
  }
  const items = [...changedShards].map((shard) => ({
    pk: keys.verdicts,
    sk: keys.verdictShard(shard),
    d: packJson(shards.get(shard)),
  }));
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
