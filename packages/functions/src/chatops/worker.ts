import type { Check } from "@probemesh/core/check";
import type { ProbeResult } from "@probemesh/core/result";
import type { Store } from "@probemesh/core/store";
import * as v from "valibot";
import { assertWebhookUrl, postJson, WebhookRefusedError, type PostOptions, type WebhookPolicy } from "../alerts/index.js";
import type { ProbeInvocation } from "../invoke/payloads.js";
import { regionUpdateMessage, summaryMessage, type SlackMessage } from "./blocks.js";
import { overallVerdict, summarizeChecks } from "./summary.js";

/** What the Slack endpoint hands to the asynchronous worker (the Lambda Event payload). */
export interface ChatopsJob {
  kind: "slack-probe";
  /** On-demand probe id (also the probe record in the store). */
  id: string;
  /** What the person asked for, as shown back to them. */
  what: string;
  checks: Check[];
  regions: string[];
  responseUrl: string;
  requestedBy: string;
}

const JobSchema = v.strictObject({
  kind: v.literal("slack-probe"),
  id: v.pipe(v.string(), v.uuid()),
  what: v.pipe(v.string(), v.maxLength(4096)),
  checks: v.pipe(
    v.array(v.looseObject({ checkId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)), target: v.pipe(v.string(), v.minLength(1), v.maxLength(2048)) })),
    v.minLength(1),
    v.maxLength(200),
  ),
  regions: v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1), v.maxLength(32)),
  responseUrl: v.pipe(v.string(), v.url()),
  requestedBy: v.string(),
});

/** Validates a worker event; throws with the first problem's path (the invocation then fails visibly). */
export function parseChatopsJob(event: unknown): ChatopsJob {
  const parsed = v.safeParse(JobSchema, event);
  if (!parsed.success) {
    const issue = parsed.issues[0];
    throw new Error(`invalid chat-ops job: ${v.getDotPath(issue) ?? "event"}: ${issue.message}`);
  }
  return parsed.output as ChatopsJob;
}

export interface WorkerDeps {
  store: Pick<Store, "createProbe" | "getProbe">;
  /** Same contract as AppDeps.dispatchProbe: the region's probe function runs the checks (guarded) into the probe record. */
  dispatchProbe(invocation: ProbeInvocation): Promise<void>;
  webhookPolicy: WebhookPolicy;
  quorum?: number;
  /** How often the probe record is read while regions are running (default 250 ms). */
  pollIntervalMs?: number;
  /** Regions that have not reported after this long are reported silent (default 60 s). */
  deadlineMs?: number;
  post?: Omit<PostOptions, "policy">;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Slack accepts at most five posts per response_url; the ack is the HTTP answer, so four
 * remain: up to three region updates, then the summary (later regions land in the summary).
 */
const MAX_UPDATES = 3;

/**
 * Runs one `/probe` job: creates the probe record, sends the checks to each region's probe
 * function, posts an update to response_url as each region reports, then a final summary
 * with the cross-region verdict. Post failures are logged, never retried into duplicates.
 */
export async function runChatopsJob(job: ChatopsJob, deps: WorkerDeps): Promise<void> {
  try {
    assertWebhookUrl(job.responseUrl, deps.webhookPolicy);
  } catch (error) {
    if (!(error instanceof WebhookRefusedError)) throw error;
    console.error(`chatops: probe ${job.id} dropped, its response_url is refused: ${error.message}`);
    return;
  }
  const now = deps.now ?? (() => new Date());
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now().getTime() + (deps.deadlineMs ?? 60_000);
  const post = async (message: SlackMessage) => {
    try {
      await postJson(job.responseUrl, message, { ...deps.post, policy: deps.webhookPolicy });
    } catch (error) {
      console.error(`chatops: post for probe ${job.id} failed:`, (error as Error).message);
    }
  };

  await deps.store.createProbe({ id: job.id, targets: job.checks.map((c) => c.target), regions: job.regions, requestedBy: job.requestedBy, createdAt: now().toISOString() });
  const sent = await Promise.allSettled(job.regions.map((region) => deps.dispatchProbe({ region, roundId: job.id, probeId: job.id, checks: job.checks })));
  const dispatched = job.regions.filter((_, i) => sent[i]!.status === "fulfilled");

  const reported = new Set<string>();
  let updates = 0;
  let results: ProbeResult[] = [];
  while (reported.size < dispatched.length && now().getTime() < deadline) {
    const record = await deps.store.getProbe(job.id);
    results = record?.results ?? results;
    for (const region of record?.done ?? []) {
      if (reported.has(region) || !dispatched.includes(region)) continue;
      reported.add(region);
      if (updates < MAX_UPDATES) {
        updates++;
        const remaining = dispatched.filter((r) => !reported.has(r));
        await post(regionUpdateMessage(region, results.filter((r) => r.region === region), remaining));
      }
    }
    if (reported.size < dispatched.length) await sleep(deps.pollIntervalMs ?? 250);
  }

  const summaries = summarizeChecks(job.checks, results, job.regions, deps.quorum);
  const silent = job.regions.filter((r) => !reported.has(r));
  await post(summaryMessage(job.what, overallVerdict(summaries), summaries, job.regions, silent));
}
