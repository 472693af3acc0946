import type { ProbeResult, Status } from "../../packages/core/src/result/index.js";

/** A result as a region worker would report it; override what the test cares about. */
export function result(overrides: Partial<ProbeResult> & { checkId: string; at: string; region: string }): ProbeResult {
  const status: Status = overrides.status ?? "pass";
  return {
    target: `tcp://${overrides.checkId}.lab.test:443`,
    kind: "tcp",
    status,
    outcome: status === "pass" ? "ok" : status === "fail" ? "tcp_timeout" : "udp_no_reply",
    durationMs: 25,
    phases: { connectMs: 20 },
    remoteAddress: "127.0.0.1",
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function manualClock(start: string): { now: () => Date; set(iso: string): void; advance(ms: number): void } {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = Date.parse(iso);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export const minutes = (n: number) => n * 60_000;
