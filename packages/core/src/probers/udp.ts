import { Clock, connectOutcome, describeError, dialPort, errnoOf, failureResult, lap, makeResult, resolveHost } from "./common.js";
import type { ProbeContext, Prober } from "./types.js";

/** How a datagram exchange ended. */
export type UdpExchange =
  | { kind: "reply"; message: Buffer; rttMs: number; localAddress: string; localPort: number }
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
  return new Promise((resolve) => {
    const sinceSend = lap();
    let socket: ReturnType<ProbeContext["udpSocket"]>;
    try {
      socket = ctx.udpSocket(to.family === 6 ? "udp6" : "udp4");
    } catch (error) {
      resolve({ kind: "error", cause: error });
      return;
    }
    let settled = false;
    const finish = (result: UdpExchange) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal?.removeEventListener("abort", onAbort);
      socket.removeAllListeners("message");
      socket.on("error", () => {});
      try {
        socket.close();
      } catch {
        // already closed by the error that ended the exchange
      }
      resolve(result);
    };
    const onAbort = () => finish({ kind: "silent" });
    const timer = setTimeout(onAbort, timeoutMs);
    ctx.signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("message", (message) => {
      if (!accept(message)) return;
      const local = socket.address();
      finish({ kind: "reply", message, rttMs: sinceSend(), localAddress: local.address, localPort: local.port });
    });
    socket.on("error", (error) => {
      if (errnoOf(error) === "ECONNREFUSED") finish({ kind: "closed", rttMs: sinceSend() });
      else finish({ kind: "error", cause: error });
    });
    // Node hands a failed connect (an unreachable or prohibit route) to the callback, not to 'error'.
    const onConnected = ((error?: Error) => {
      if (error) {
        finish({ kind: "error", cause: error });
        return;
      }
      socket.send(payload, (sendError) => {
        if (sendError) finish({ kind: "error", cause: sendError });
      });
    }) as () => void;
    const send = () => socket.connect(to.port, to.address, onConnected);
    if (ctx.localAddress) socket.bind({ address: ctx.localAddress, port: 0 }, send);
    else send();
  });
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
