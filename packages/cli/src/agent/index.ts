import { agentRegion, MAX_BATCH_RESULTS, type AgentPlan, type ResultBatch } from "@probemesh/core/agent";
import { runChecks } from "@probemesh/core/engine";
import type { ProbeContext } from "@probemesh/core/probers";
import type { ProbeResult } from "@probemesh/core/result";
import { BatchBuffer } from "./buffer.js";
import { agentClient, type AgentClient } from "./client.js";

export { AgentRefusedError } from "./client.js";
export { BatchBuffer } from "./buffer.js";

export interface AgentOptions {
  api: URL;
  token: string;
  location: string;
  /** Seconds between rounds; default the plan's. */
  intervalS?: number;
  /** Result batches kept while the API is unreachable (oldest dropped beyond). */
  bufferBatches: number;
  concurrency: number;
  timeoutMs: number;
  /** Aborted on SIGINT/SIGTERM: running probes stop, one last delivery is tried, then the agent returns. */
  signal: AbortSignal;
  /** Extra probe context (tests: source address, resolver). */
  context?: Partial<ProbeContext>;
  log: (line: string) => void;
}

/** While batches wait, delivery is retried this often between rounds. */
const REDELIVERY_MS = 2_000;
/** Time the agent gives its last delivery after a stop signal. */
const FINAL_FLUSH_MS = 2_000;
/** Backoff while the first plan cannot be fetched. */
const PLAN_RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * `probemesh agent`: fetches its location's plan, probes it every interval with the same engine
 * the probe functions run, sends the results in batches (kept in a bounded buffer while the API
 * is unreachable, delivered later, oldest first), heartbeats after every round, and returns 0 once
 * `signal` aborts. An API that refuses the token ends it with AgentRefusedError.
 */
export async function runAgent(options: AgentOptions): Promise<number> {
  const { signal, log } = options;
  const region = agentRegion(options.location);
  const client = agentClient(options.api, options.token, options.location, log);
  const buffer = new BatchBuffer(options.bufferBatches);

  let plan = await firstPlan(client, signal, log);
  if (!plan) return 0;
  log(`agent ${region}: ${plan.checks.length} checks every ${options.intervalS ?? plan.intervalS} s from ${options.api.origin}`);

  const labContext = plan.lab ? await labContextOf(plan) : undefined;
  if (labContext) log(`agent ${region}: probing the lab through its DNS ${plan.lab!.dnsServer} (loopback only)`);

  while (!signal.aborted) {
    const started = Date.now();
    const roundId = new Date(started).toISOString();
    plan = (await client.plan()) ?? plan;
    const intervalS = options.intervalS ?? plan.intervalS;
    const results = await runChecks(plan.checks, {
      context: { ...labContext, ...options.context, region, signal },
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      deadlineMs: Math.max(1_000, intervalS * 800),
    });
    // A round the stop signal cut short is not reported: its probes were aborted, not answered.
    if (signal.aborted) break;
    for (const batch of batchesOf(roundId, results)) buffer.push(batch);
    const sent = await deliver(client, buffer, log);
    const counts = { pass: 0, fail: 0, inconclusive: 0 };
    for (const result of results) counts[result.status] += 1;
    await client.heartbeat({ at: new Date().toISOString(), roundId, ok: true, checks: plan.checks.length, intervalS, buffered: buffer.size, dropped: buffer.dropped });
    log(`round ${roundId}: ${counts.pass}✓ ${counts.fail}✗ ${counts.inconclusive}? | sent ${sent}, buffered ${buffer.size}${buffer.dropped ? `, dropped ${buffer.dropped}` : ""}`);

    const next = started + intervalS * 1000;
    while (!signal.aborted && Date.now() < next) {
      await sleep(Math.min(next - Date.now(), buffer.size > 0 ? REDELIVERY_MS : next - Date.now()), signal);
      if (buffer.size > 0 && !signal.aborted) {
        const late = await deliver(client, buffer, log);
        if (late > 0) log(`delivered ${late} buffered batches, ${buffer.size} left`);
      }
    }
  }
  if (buffer.size > 0) {
    const last = await Promise.race([deliver(client, buffer, log), sleep(FINAL_FLUSH_MS).then(() => 0)]);
    log(`stopping: delivered ${last}, ${buffer.size} batches not delivered`);
  }
  log(`agent ${region} stopped`);
  return 0;
}

/**
 * The lab's hosts (`*.lab.example`) exist only in the lab's DNS: an agent of `npm start` probes
 * them through the lab's network description, never through the system resolver.
 */
async function labContextOf(plan: AgentPlan): Promise<Partial<ProbeContext>> {
  const { labContext } = await import("@probemesh/functions/lab");
  return labContext(plan.lab as unknown as Parameters<typeof labContext>[0]);
}

/** One round's results in batches the API accepts; each batch's id is the round id (plus a part number). */
export function batchesOf(roundId: string, results: ProbeResult[]): ResultBatch[] {
  const batches: ResultBatch[] = [];
  for (let start = 0; start < results.length; start += MAX_BATCH_RESULTS) {
    const part = start / MAX_BATCH_RESULTS;
    batches.push({ roundId: part === 0 ? roundId : `${roundId}.${part + 1}`, results: results.slice(start, start + MAX_BATCH_RESULTS) });
  }
  return batches;
}

async function deliver(client: AgentClient, buffer: BatchBuffer, log: (line: string) => void): Promise<number> {
  return buffer.flush(async (batch) => {
    const { delivery, detail } = await client.sendResults(batch);
    if (delivery === "rejected") log(`batch ${batch.roundId} (${batch.results.length} results) given up: the API refused it (${detail})`);
    return delivery !== "retry";
  });
}

async function firstPlan(client: AgentClient, signal: AbortSignal, log: (line: string) => void): Promise<AgentPlan | undefined> {
  for (let attempt = 0; !signal.aborted; attempt++) {
    const plan = await client.plan();
    if (plan) return plan;
    const wait = PLAN_RETRY_MS[Math.min(attempt, PLAN_RETRY_MS.length - 1)]!;
    log(`no plan yet; retrying in ${wait / 1000} s`);
    await sleep(wait, signal);
  }
  return undefined;
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
