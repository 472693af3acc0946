import { Clock, failureResult, makeResult, ProbeFailure } from "./common.js";
import { reach } from "./connection.js";
import type { Prober } from "./types.js";

/**
 * ICMP echo needs raw sockets, which Node cannot open and Lambda does not allow, so the outcome is
 * always `unsupported` (inconclusive). What is measured instead is a TCP connect to `fallbackPort`,
 * reported under `detail.fallback` and labelled as such: it is not an ICMP answer.
 */
export const probeIcmp: Prober = async (target, ctx) => {
  if (target.kind !== "icmp") throw new TypeError(`probeIcmp got a ${target.kind} target`);
  const clock = new Clock(ctx);
  const label = `TCP connect to port ${target.fallbackPort}, not ICMP`;
  const reason = "raw ICMP sockets are not available to this prober";
  try {
    const tunnel = await reach(ctx, clock, target.host, target.fallbackPort);
    tunnel.socket.destroy();
    return [makeResult(target, ctx, clock, {
      outcome: "unsupported",
      phases: tunnel.dnsMs === undefined ? {} : { dnsMs: tunnel.dnsMs },
      remoteAddress: tunnel.remoteAddress,
      detail: {
        reason,
        fallback: { kind: "tcp", label, port: target.fallbackPort, outcome: "ok", connectMs: tunnel.connectMs, ...tunnel.detail },
      },
    })];
  } catch (error) {
    if (!(error instanceof ProbeFailure)) throw error;
    const { dnsMs, remoteAddress, connectMs, ...rest } = error.detail;
    if (error.outcome.startsWith("dns_") || error.outcome === "invalid_target") return [failureResult(error, target, ctx, clock)];
    return [makeResult(target, ctx, clock, {
      outcome: "unsupported",
      phases: typeof dnsMs === "number" ? { dnsMs } : {},
      ...(typeof remoteAddress === "string" ? { remoteAddress } : {}),
      detail: {
        reason,
        fallback: { kind: "tcp", label, port: target.fallbackPort, outcome: error.outcome, ...(typeof connectMs === "number" ? { connectMs } : {}), ...rest },
      },
    })];
  }
};
