/**
 * Worker threads for the CPU-bound part of TLS probes (tls:// and https://): the TCP connect, the handshake,
 * the certificate checks and, for https, the GET (about 0.8 ms of CPU each, so one thread caps a process near 1,200 handshakes/s
 * whatever the CPUs). The main thread keeps what decides where a probe may go: the CA files, the lab
 * port map, the lookup, the SSRF guard's check (`ctx.connect.allows`) and the per-destination connect
 * history, and hands a worker the checked address. Results are the ones the in-thread path gives: the
 * worker runs the same `connectWithTries` and `handshake`, so connectMs and tlsMs are measured where
 * the socket lives.
 *
 * The worker's code is the module that holds this file (`import.meta.url`): this file under vitest,
 * tsx or the CLI (the worker loads tsx), the whole bundle in the esbuild probe bundle (its top level
 * only defines things; this file's own top level below starts serving when it runs as a pool worker).
 */
import { channel } from "node:diagnostics_channel";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Outcome } from "../result/index.js";
import type { HttpTarget, TlsTarget } from "../target/index.js";
import { ProbeFailure, type Clock } from "./common.js";
import { connectPlan, connectWithTries, type Destination } from "./connection.js";
import { defaultContext } from "./context.js";
import type { Exchanged } from "./exchange.js";
import { DEFAULT_CERT_MIN_DAYS, secureAndGet, trustedCas, type HandshakeAsk, type Secured } from "./handshake.js";
import type { ProbeContext } from "./types.js";

const MARK = "probemesh-tls-pool";

/**
 * diagnostics_channel of the pool: `{ threadId, ready: true }` when a worker starts taking probes and
 * `{ threadId, outcome }` for each probe a worker did (how a test sees a bundle's pool at work).
 */
export const TLS_POOL_CHANNEL = "probemesh:tls-pool";
const diagnostics = channel(TLS_POOL_CHANNEL);

/** What a TLS probe asks of the handshake, its certMinDays settled (the target's, the context's or the default). */
export interface TlsAsk extends HandshakeAsk {
  certMinDays: number;
}

/** What a tls:// or https:// target asks of the handshake, with the context's CAs and certMinDays default. */
export async function tlsAskFor(target: Pick<TlsTarget, "host" | "servername" | "caFile" | "groups" | "certMinDays">, ctx: ProbeContext): Promise<TlsAsk> {
  return {
    name: target.host,
    ...(target.servername ? { servername: target.servername } : {}),
    ca: await trustedCas(ctx, target.caFile),
    ...(target.groups ? { groups: target.groups } : {}),
    certMinDays: target.certMinDays ?? ctx.certMinDays ?? DEFAULT_CERT_MIN_DAYS,
  };
}

/** One probe's work for a worker: connect to an address the main thread checked, then the handshake. */
interface Job extends TlsAsk {
  id: number;
  address: string;
  port: number;
  localAddress?: string;
  tries: number[];
  /** `Date.now()` at which the probe's budget ends (the worker's clock is not the main thread's). */
  deadline: number;
  aborted: boolean;
  /** https: the GET made after a handshake that lets it be made (`canRequest`). */
  request?: HttpTarget;
}

/** A worker's answer. `events`: what each connect try learnt (ms of an answer, null for a timeout). */
interface Reply {
  id: number;
  events: (number | null)[];
  connectMs?: number;
  connectTries?: number;
  shook?: Secured["shook"];
  exchanged?: Exchanged;
  failure?: { stage: "connect" | "tls"; outcome: Outcome; detail: Record<string, unknown> };
  /** A programming error in the worker (not a probe outcome): thrown in the main thread. */
  crash?: string;
}

/** A probe done by the pool, in the shape the in-thread path gives. */
export interface Shaken extends Secured {
  tunnel: { connectMs: number; dnsMs?: number; remoteAddress: string; detail: Record<string, unknown> };
}

interface Slot {
  worker: Worker;
  ready: boolean;
  inflight: number;
}

interface Pending {
  slot: Slot;
  resolve: (reply: Reply) => void;
}

/**
 * Workers of a pool by default: one per CPU `os.availableParallelism()` reports but the one the calling
 * thread fills itself, so none on one CPU (a worker there only adds copying).
 */
export function defaultTlsWorkers(cpus = availableParallelism()): number {
  return Math.max(0, cpus - 1);
}

/** The process's TLS worker pool; started on the first TLS probe, its workers do not keep the process alive when idle. */
export class TlsPool {
  private slots: Slot[] = [];
  private started = false;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readyWaiters: (() => void)[] = [];
  /** Probes the workers did (tests and diagnostics). */
  handled = 0;
  /** Probes of this pool's callers running in the calling thread now. */
  private inflightHere = 0;

  /** `size` undefined: `defaultTlsWorkers()`, read when the first TLS probe starts the pool. */
  constructor(private size?: number) {}

  /** Resizes the pool (0: off); running workers are stopped and new ones start on the next probe. */
  async configure(size: number): Promise<void> {
    if (size === this.size) return;
    this.size = size;
    await this.close();
  }

  /** Resolves once a worker can take probes (at once when the pool is off or its workers failed to start). */
  ready(): Promise<void> {
    this.start();
    if (this.slots.length === 0 || this.slots.some((slot) => slot.ready)) return Promise.resolve();
    // Someone waits for the workers: they keep the process alive until one is ready.
    for (const slot of this.slots) slot.worker.ref();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Stops the workers (in-flight probes end as tls_handshake_failed). */
  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    this.started = false;
    await Promise.all(slots.map((slot) => slot.worker.terminate()));
  }

  /**
   * Connects and shakes hands in a worker, or runs `here` (the in-thread probe). The calling thread takes
   * its share too: a worker gets the probe only while it has no more probes in flight than this thread
   * (so N workers and the caller fill N + 1 CPUs, and a lone probe goes to a worker). `here` also runs when
   * the pool is off or still starting, or `ctx.connect` is not node's own connect behind a check that
   * allows this destination (a test's or a custom connect; a refused destination then fails as it always
   * has). Proxied probes never come here: the tunnel is a socket of this thread.
   */
  probe(ctx: ProbeContext, clock: Clock, to: Destination, ask: TlsAsk, here: () => Promise<Shaken>, request?: HttpTarget): Promise<Shaken> {
    const slot = this.pick();
    const connect = { host: to.address, port: to.port, ...(ctx.localAddress ? { localAddress: ctx.localAddress } : {}) };
    if (!slot || slot.inflight > this.inflightHere || !ctx.connect.allows?.(connect)) {
      this.inflightHere += 1;
      return here().finally(() => (this.inflightHere -= 1));
    }
    const remaining = clock.remaining();
    const plan = connectPlan(ctx, to.address, remaining);
    const job: Job = {
      ...ask,
      id: this.nextId++,
      address: to.address,
      port: to.port,
      ...(ctx.localAddress ? { localAddress: ctx.localAddress } : {}),
      tries: plan.tries,
      deadline: Date.now() + remaining,
      aborted: ctx.signal?.aborted ?? false,
      ...(request ? { request } : {}),
    };
    return this.send(slot, job, ctx.signal).then((reply) => shaken(reply, to, plan.learn));
  }

  private send(slot: Slot, job: Job, signal: AbortSignal | undefined): Promise<Reply> {
    return new Promise((resolve) => {
      const onAbort = () => slot.worker.postMessage({ abort: job.id });
      signal?.addEventListener("abort", onAbort, { once: true });
      if (slot.inflight++ === 0) slot.worker.ref();
      this.pending.set(job.id, {
        slot,
        resolve: (reply) => {
          signal?.removeEventListener("abort", onAbort);
          if (--slot.inflight === 0) slot.worker.unref();
          this.handled += 1;
          resolve(reply);
        },
      });
      slot.worker.postMessage(job);
    });
  }

  private wakeReadyWaiters(): void {
    if (this.readyWaiters.length === 0) return;
    for (const slot of this.slots) if (slot.inflight === 0) slot.worker.unref();
    for (const wake of this.readyWaiters.splice(0)) wake();
  }

  /** The ready worker with the fewest probes in flight. */
  private pick(): Slot | undefined {
    this.start();
    let best: Slot | undefined;
    for (const slot of this.slots) if (slot.ready && (!best || slot.inflight < best.inflight)) best = slot;
    return best;
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    const entry = workerEntry();
    if (!entry) return;
    this.size ??= defaultTlsWorkers();
    for (let i = 0; i < this.size; i++) this.slots.push(this.spawn(entry));
  }

  private spawn(entry: { source: URL | string; eval: boolean }): Slot {
    const worker = new Worker(entry.source, { eval: entry.eval, workerData: { [MARK]: true } });
    const slot: Slot = { worker, ready: false, inflight: 0 };
    worker.on("message", (message: Reply | "ready") => {
      if (message === "ready") {
        slot.ready = true;
        if (diagnostics.hasSubscribers) diagnostics.publish({ threadId: worker.threadId, ready: true });
        this.wakeReadyWaiters();
        return;
      }
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (diagnostics.hasSubscribers) diagnostics.publish({ threadId: worker.threadId, outcome: message.shook?.outcome ?? message.failure?.outcome });
      pending?.resolve(message);
    });
    worker.on("error", (error) => {
      if (!slot.ready) console.warn(`probemesh: a TLS worker thread did not start (${error.message}); its share of TLS probes runs in the main thread`);
    });
    worker.on("exit", () => {
      this.slots = this.slots.filter((other) => other !== slot);
      if (this.slots.length === 0) this.wakeReadyWaiters();
      for (const [id, pending] of this.pending) {
        if (pending.slot !== slot) continue;
        this.pending.delete(id);
        pending.resolve({ id, events: [], failure: { stage: "tls", outcome: "tls_handshake_failed", detail: { error: "the TLS worker thread exited during the probe" } } });
      }
    });
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
    return slot;
  }
}

/** The reply as the in-thread path reports it: a connect failure like `reach`, a handshake failure with the phases so far. */
function shaken(reply: Reply, to: Destination, learn: (ms: number | null) => void): Shaken {
  if (reply.crash) throw new Error(reply.crash);
  for (const ms of reply.events) learn(ms);
  if (reply.failure?.stage === "connect") throw new ProbeFailure(reply.failure.outcome, { ...to.detail, ...to.dns, remoteAddress: to.address, ...reply.failure.detail });
  const tunnel = {
    connectMs: reply.connectMs!,
    ...to.dns,
    remoteAddress: to.address,
    detail: { ...to.detail, ...(reply.connectTries! > 1 ? { connectTries: reply.connectTries } : {}) },
  };
  if (reply.failure) {
    const carried = { ...tunnel.detail, dnsMs: tunnel.dnsMs, connectMs: tunnel.connectMs, remoteAddress: tunnel.remoteAddress };
    throw new ProbeFailure(reply.failure.outcome, { ...carried, ...reply.failure.detail });
  }
  return { tunnel, shook: reply.shook!, ...(reply.exchanged ? { exchanged: reply.exchanged } : {}) };
}

/**
 * How to start a worker: the bundle itself, or this TypeScript file behind tsx. A worker does not inherit
 * the loader hooks of its parent (vitest's, or the CLI's `register()`), and `--import tsx` in a worker's
 * execArgv does not apply to its entry on Node 20, so a short script registers tsx's ESM hooks and imports it.
 */
function workerEntry(): { source: URL | string; eval: boolean } | undefined {
  // A CommonJS bundle has no import.meta.url: no pool there.
  const here = import.meta.url as string | undefined;
  if (!here) return undefined;
  if (!new URL(here).pathname.endsWith(".ts")) return { source: new URL(here), eval: false };
  const require = createRequire(here);
  const tsxPackage = require.resolve("tsx/package.json");
  const exports = (require(tsxPackage) as { exports: Record<string, { import: { default: string } }> }).exports;
  const api = pathToFileURL(join(dirname(tsxPackage), exports["./esm/api"]!.import.default)).href;
  return { source: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(here)}); });`, eval: true };
}

/** The process's pool (`defaultTlsWorkers()` unless configured: the functions' PROBEMESH_TLS_WORKERS setting). */
export const tlsPool = new TlsPool(isMainThread ? undefined : 0);

/** Sizes the process's TLS worker pool (0: every TLS probe in the calling thread). */
export function configureTlsPool(options: { workers: number }): Promise<void> {
  return tlsPool.configure(options.workers);
}

/** The worker side: one job per message, an `{ abort: id }` message ends that job's probe early. */
function serve(port: NonNullable<typeof parentPort>): void {
  const aborts = new Map<number, AbortController>();
  port.on("message", (message: Job | { abort: number }) => {
    if ("abort" in message) {
      aborts.get(message.abort)?.abort();
      return;
    }
    const controller = new AbortController();
    if (message.aborted) controller.abort();
    aborts.set(message.id, controller);
    run(message, controller.signal).then(
      (reply) => {
        aborts.delete(message.id);
        port.postMessage(reply);
      },
      (error: unknown) => {
        aborts.delete(message.id);
        port.postMessage({ id: message.id, events: [], crash: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply);
      },
    );
  });
  port.postMessage("ready");
}

async function run(job: Job, signal: AbortSignal): Promise<Reply> {
  const events: (number | null)[] = [];
  const ctx = defaultContext({ signal, ...(job.localAddress ? { localAddress: job.localAddress } : {}) });
  let connected: Awaited<ReturnType<typeof connectWithTries>>;
  try {
    connected = await connectWithTries(ctx, job.address, job.port, job.tries, (ms) => events.push(ms));
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { id: job.id, events, failure: { stage: "connect", outcome: error.outcome, detail: error.detail } };
  }
  const reply = { id: job.id, events, connectMs: connected.connectMs, connectTries: connected.tries };
  try {
    return { ...reply, ...(await secureAndGet(connected.socket, job, () => Math.max(1, job.deadline - Date.now()), signal, job.request)) };
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    return { ...reply, failure: { stage: "tls", outcome: error.outcome, detail: error.detail } };
  }
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[MARK] && parentPort) serve(parentPort);
