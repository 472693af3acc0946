/**
 * The rounds bench's plan and target side, as plain data: which address answers and which one the target's
 * firewall black-holes, the checks of a round (distinct names, so no two share a probe), the names behind
 * several addresses of the fan-out rows, and the nftables ruleset that drops the silent addresses and
 * records every connect attempt (one set element per SYN source port).
 */
import type { Check } from "@probemesh/core/check";
import type { ProbeResult } from "@probemesh/core/result";

export const CLIENT_IP = "10.79.0.1";
export const TARGET_IP = "10.79.0.2";
/** Listening on every target address. */
export const OPEN_PORTS = [22, 80, 443, 8080];
/** Nothing listens here: the target's kernel answers RST. */
export const CLOSED_PORT = 81;
/** Hosts that answer (listeners, or RST on a closed port). */
export const ANSWERING = Array.from({ length: 20 }, (_, i) => `10.79.1.${i + 1}`);
/** Hosts the target's firewall black-holes (no answer at all). */
export const SILENT_PREFIX = "10.79.2.0/24";
export const SILENT = Array.from({ length: 10 }, (_, i) => `10.79.2.${i + 1}`);
/** nft family, table and set of the connect attempts the target saw. */
export const SEEN_SET = ["inet", "pmb_rounds", "seen"] as const;

/** One invocation as the worker measured it. */
export interface MeasuredRun {
  label: string;
  /** Handler wall time: what Lambda bills. */
  wallMs: number;
  /** CPU of the worker process (user + system) during the invocation. */
  cpuMs: number;
  /** The slowest check of the invocation, from its first attempt's start to its last attempt's end (checkSpanMs). */
  slowestMs: number;
  /** Median check span. */
  medianCheckMs: number;
  counts: Record<string, number>;
  /** Connect attempts the target namespace saw (distinct SYN 4-tuples). */
  attempts: number;
}

export interface RoundPlan {
  checks: Check[];
  /** name → address, for the lab DNS. */
  records: Record<string, string>;
  silentChecks: number;
  closedChecks: number;
}

/**
 * `size` checks, one name each: every tenth a black-holed host (round-robin over SILENT, so each silent
 * host is named by several checks), every twentieth from the ninth a closed port, the rest open ports of
 * the answering hosts.
 */
export function roundPlan(size: number): RoundPlan {
  const checks: Check[] = [];
  const records: Record<string, string> = {};
  let silentChecks = 0;
  let closedChecks = 0;
  for (let i = 0; i < size; i++) {
    const name = `r${i}.rounds.test`;
    let address: string;
    let port: number;
    if (i % 10 === 0) {
      address = SILENT[(i / 10) % SILENT.length]!;
      port = 443;
      silentChecks++;
    } else if (i % 20 === 9) {
      address = ANSWERING[i % ANSWERING.length]!;
      port = CLOSED_PORT;
      closedChecks++;
    } else {
      address = ANSWERING[i % ANSWERING.length]!;
      port = OPEN_PORTS[i % OPEN_PORTS.length]!;
    }
    records[name] = address;
    checks.push({ checkId: `round-${i}`, target: `tcp://${name}:${port}` });
  }
  return { checks, records, silentChecks, closedChecks };
}

/** `size` names behind the first `addresses` answering hosts each, and their checks probing every address or the first. */
export function fanOutPlan(size: number, addresses: number): { records: Record<string, string[]>; every: Check[]; first: Check[] } {
  const behind = ANSWERING.slice(0, addresses);
  const names = Array.from({ length: size }, (_, i) => `f${i}.fanout.test`);
  return {
    records: Object.fromEntries(names.map((name) => [name, behind])),
    every: names.map((name, i) => ({ checkId: `fan-${i}`, target: `tcp://${name}:80` })),
    first: names.map((name, i) => ({ checkId: `fan-${i}`, target: `tcp://${name}:80?addresses=first` })),
  };
}

/** What the bench runs, small enough for argv: each process builds the plans from it. */
export interface BenchShape {
  planChecks: number;
  rounds: number;
  fan: { size: number; addresses: number; reps: number };
}

/** The lab DNS records of every name the bench's plans use. */
export function labRecords(shape: BenchShape): Record<string, string | string[]> {
  return { ...roundPlan(shape.planChecks).records, ...fanOutPlan(shape.fan.size, shape.fan.addresses).records };
}

/** The invocations of one worker, in order: `rounds` rounds of the plan, then (with `fan`) every / first alternated. */
export function invocations(shape: BenchShape, withFanOut: boolean): Array<{ label: string; checks: Check[] }> {
  const plan = roundPlan(shape.planChecks).checks;
  const runs = Array.from({ length: shape.rounds }, () => ({ label: "round", checks: plan }));
  if (!withFanOut) return runs;
  const fan = fanOutPlan(shape.fan.size, shape.fan.addresses);
  // One pair first that is not measured: the worker's first fan-out pays for warming up, not for the addresses.
  runs.push({ label: "warm-up", checks: fan.every }, { label: "warm-up", checks: fan.first });
  for (let i = 0; i < shape.fan.reps; i++) runs.push({ label: "every", checks: fan.every }, { label: "first", checks: fan.first });
  return runs;
}

/**
 * How long a check held its worker: from its first attempt's start to its last attempt's end (a retried
 * result keeps only its last attempt's timings, and `detail.retried` the earlier ones).
 */
export function checkSpanMs(result: Pick<ProbeResult, "at" | "durationMs" | "detail">): number {
  const retried = result.detail?.retried as Array<{ at: string }> | undefined;
  const from = Date.parse(retried?.[0]?.at ?? result.at);
  return Date.parse(result.at) - from + result.durationMs;
}

/** The target namespace's firewall: every SYN is recorded (its 4-tuple), the silent hosts' packets dropped. */
export function targetRuleset(): string {
  const [family, table, set] = SEEN_SET;
  return [
    `table ${family} ${table} {`,
    `  set ${set} { type ipv4_addr . inet_service . ipv4_addr . inet_service; size 65535; flags dynamic; }`,
    "  chain input {",
    "    type filter hook input priority 0; policy accept;",
    `    tcp flags & (syn | ack) == syn add @${set} { ip saddr . tcp sport . ip daddr . tcp dport }`,
    `    ip daddr ${SILENT_PREFIX} drop`,
    "  }",
    "}",
    "",
  ].join("\n");
}
