import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../result/index.js";
import { isTransientFailure, retryBackoffMs, withRetries } from "./retry.js";

const result = (parts: Partial<ProbeResult>): ProbeResult => ({
  checkId: "c",
  target: "tcp://h:1",
  kind: "tcp",
  region: "r",
  at: "2026-01-01T00:00:00.000Z",
  status: "fail",
  outcome: "tcp_timeout",
  durationMs: 5,
  phases: {},
  ...parts,
});

describe("isTransientFailure", () => {
  it("retries timeouts and resets, never answers or deadline cuts", () => {
    expect(isTransientFailure(result({ outcome: "tcp_timeout" }))).toBe(true);
    expect(isTransientFailure(result({ outcome: "http_timeout" }))).toBe(true);
    expect(isTransientFailure(result({ outcome: "dns_timeout" }))).toBe(true);
    expect(isTransientFailure(result({ outcome: "tcp_refused", detail: { errno: "ECONNRESET" } }))).toBe(true);
    expect(isTransientFailure(result({ outcome: "http_status", detail: { status: null, errno: "ECONNRESET" } }))).toBe(true);
    expect(isTransientFailure(result({ outcome: "tls_handshake_failed", detail: { error: "handshake timed out" } }))).toBe(true);

    expect(isTransientFailure(result({ outcome: "tcp_refused", detail: { errno: "ECONNREFUSED" } }))).toBe(false);
    expect(isTransientFailure(result({ outcome: "http_status", detail: { status: 500 } }))).toBe(false);
    expect(isTransientFailure(result({ outcome: "tls_cert_expiring" }))).toBe(false);
    expect(isTransientFailure(result({ outcome: "tcp_timeout", status: "pass", expect: "blocked" }))).toBe(false);
    expect(isTransientFailure(result({ outcome: "tcp_timeout", status: "inconclusive", detail: { deadline: true } }))).toBe(false);
    expect(isTransientFailure(result({ outcome: "tcp_timeout", detail: { aborted: true } }))).toBe(false);
  });
});

describe("retryBackoffMs", () => {
  it("is short: doubling from 100 ms, capped at 1 s, with at most 25 % jitter", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => retryBackoffMs(n, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(retryBackoffMs(1, () => 0.999)).toBe(125);
  });
});

describe("withRetries", () => {
  const sequence = (...results: ProbeResult[][]) => {
    let calls = 0;
    const attempt = async () => results[Math.min(calls++, results.length - 1)]!;
    return { attempt, calls: () => calls };
  };

  it("retries a transient failure and records the attempts before the one that counts", async () => {
    const first = result({ at: "2026-01-01T00:00:00.000Z", durationMs: 300 });
    const second = result({ at: "2026-01-01T00:00:00.400Z", status: "pass", outcome: "ok", durationMs: 3, detail: { labPort: 9 } });
    const run = sequence([first], [second]);
    const [final] = await withRetries(run.attempt, { retries: 1, backoffMs: () => 1 });
    expect(run.calls()).toBe(2);
    expect(final).toEqual({ ...second, detail: { labPort: 9, attempts: 2, retried: [{ at: first.at, outcome: "tcp_timeout", durationMs: 300 }] } });
  });

  it("stops after `retries` and leaves first-time answers untouched", async () => {
    const stuck = sequence([result({})]);
    const [final] = await withRetries(stuck.attempt, { retries: 2, backoffMs: () => 1 });
    expect(stuck.calls()).toBe(3);
    expect(final!.detail).toMatchObject({ attempts: 3, retried: [{ outcome: "tcp_timeout" }, { outcome: "tcp_timeout" }] });

    const none = sequence([result({})]);
    expect((await withRetries(none.attempt, { retries: 0 }))[0]!.detail).toBeUndefined();
    const answered = sequence([result({ outcome: "tcp_refused", detail: { errno: "ECONNREFUSED" } })]);
    expect((await withRetries(answered.attempt, { retries: 3 }))[0]!.detail).toEqual({ errno: "ECONNREFUSED" });
    expect(answered.calls()).toBe(1);
  });

  it("gives up waiting when the signal aborts (the round's deadline)", async () => {
    const abort = new AbortController();
    const run = sequence([result({})]);
    const done = withRetries(run.attempt, { retries: 1, signal: abort.signal, backoffMs: () => 60_000 });
    abort.abort();
    const [final] = await done;
    expect(run.calls()).toBe(1);
    expect(final!.detail).toBeUndefined();
  });
});
