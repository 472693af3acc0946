import { performance } from "node:perf_hooks";
import { Clock, connectOutcome, describeError, dialPort, errnoOf, failureResult, makeResult, resolveHost, round } from "./common.js";
import type { ProbeContext, Prober } from "./types.js";

/** How a datagram exchange ended. */
export type UdpExchange =
  | { kind: "reply"; message: Buffer; rttMs: number }
  | { kind: "closed"; rttMs: number }
  | { kind: "silent" }
  | { kind: "error"; cause: unknown };

/**
 * Sends `payload` from a connected UDP socket (`ctx.udpSocket`) and waits for a datagram `accept`s.
 * Connecting the socket is what makes the kernel report an ICMP port unreachable as ECONNREFUSED.
 */
export function exchangeDatagram(
  ctx: ProbeContext,
  to: { address: string; family: 4 | 6; port: number },
  payload: Buffer,
  timeoutMs: number,
  accept: (message: Buffer) => boolean = () => true,
): Promise<UdpExchange> {
  return new Promise((resolve) => new DatagramExchange(ctx, to, payload, timeoutMs, accept, resolve));
}

type UdpSocket = ReturnType<ProbeContext["udpSocket"]>;

/**
 * One exchange's state; its handlers are prototype methods bound per exchange, not closures: at tens of
 * thousands of probes a second, closures (each given a name by the TypeScript loader) were a visible cost.
 */
class DatagramExchange {
  private readonly sentAt = performance.now();
  private readonly socket: UdpSocket | undefined;
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly abort = this.finishSilent.bind(this);
  private readonly sent = this.onSent.bind(this);
  private settled = false;

  constructor(
    private readonly ctx: ProbeContext,
    private readonly to: { address: string; family: 4 | 6; port: number },
    private readonly payload: Buffer,
    timeoutMs: number,
    private readonly accept: (message: Buffer) => boolean,
    private readonly resolve: (exchange: UdpExchange) => void,
  ) {
    try {
      this.socket = ctx.udpSocket(to.family === 6 ? "udp6" : "udp4");
    } catch (error) {
      this.settled = true;
      resolve({ kind: "error", cause: error });
      return;
    }
    // Whole milliseconds: node keeps one timer list per distinct duration, and a fractional budget made a new one per probe.
    this.timer = setTimeout(this.abort, Math.ceil(timeoutMs));
    ctx.signal?.addEventListener("abort", this.abort, { once: true });
    this.socket.on("message", this.onMessage.bind(this));
    this.socket.on("error", this.onError.bind(this));
    if (ctx.localAddress) this.socket.bind({ address: ctx.localAddress, port: 0 }, this.connect.bind(this));
    else this.connect();
  }

  private connect(): void {
    this.socket!.connect(this.to.port, this.to.address, this.onConnected.bind(this) as () => void);
  }

  // Node hands a failed connect (an unreachable or prohibit route) to the callback, not to 'error'.
  private onConnected(error?: Error): void {
    if (error) this.finish({ kind: "error", cause: error });
    else this.socket!.send(this.payload, this.sent);
  }

  private onSent(error: Error | null): void {
    if (error) this.finish({ kind: "error", cause: error });
  }

  private onMessage(message: Buffer): void {
    if (this.accept(message)) this.finish({ kind: "reply", message, rttMs: this.sinceSend() });
  }

  private onError(error: Error): void {
    if (errnoOf(error) === "ECONNREFUSED") this.finish({ kind: "closed", rttMs: this.sinceSend() });
    else this.finish({ kind: "error", cause: error });
  }

  private finishSilent(): void {
    this.finish({ kind: "silent" });
  }

  private sinceSend(): number {
    return round(performance.now() - this.sentAt);
  }

  /** Closing stops the handle, so nothing arrives after this; `settled` covers a queued guard refusal. */
  private finish(result: UdpExchange): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.ctx.signal?.removeEventListener("abort", this.abort);
    try {
      this.socket!.close();
    } catch {
      // already closed by the error that ended the exchange
    }
    this.resolve(result);
  }
}

/**
 * UDP tri-state: a reply is `udp_reply` (pass), an ICMP port unreachable is `udp_closed` (fail), and
 * silence is `udp_no_reply`: open-and-quiet or filtered cannot be told apart, so it is never a pass.
 */
export const probeUdp: Prober = async (target, ctx) => {
  if (target.kind !== "udp") throw new TypeError(`probeUdp got a ${target.kind} target`);
  const clock = new Clock(ctx);
  let resolved: Awaited<ReturnType<typeof resolveHost>>;
  try {
    resolved = await resolveHost(target.host, ctx, clock);
  } catch (error) {
    return [failureResult(error, target, ctx, clock)];
  }
  const dialled = dialPort(ctx, target.host, target.port);
  const phases = resolved.dnsMs === undefined ? {} : { dnsMs: resolved.dnsMs };
  const payload = Buffer.from(target.payloadHex, "hex");
  const seen = await exchangeDatagram(ctx, { address: resolved.address, family: resolved.family, port: dialled.port }, payload, clock.remaining());
  const base = { phases, remoteAddress: resolved.address };
  const detail = { ...dialled.detail, sentBytes: payload.length };
  switch (seen.kind) {
    case "reply":
      return [makeResult(target, ctx, clock, {
        ...base,
        outcome: "udp_reply",
        detail: { ...detail, rttMs: seen.rttMs, replyBytes: seen.message.length, replyHex: seen.message.subarray(0, 64).toString("hex") },
      })];
    case "closed":
      return [makeResult(target, ctx, clock, { ...base, outcome: "udp_closed", detail: { ...detail, rttMs: seen.rttMs, icmp: "port unreachable" } })];
    case "silent":
      return [makeResult(target, ctx, clock, { ...base, outcome: "udp_no_reply", detail: { ...detail, waitedMs: clock.elapsed(), meaning: "open or filtered" } })];
    case "error":
      return [makeResult(target, ctx, clock, { ...base, outcome: connectOutcome(seen.cause), detail: { ...detail, ...describeError(seen.cause) } })];
  }
};
