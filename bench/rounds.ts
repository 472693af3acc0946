/**
 * Rounds: what a black-holed host costs a warm Lambda container, and what probing every address costs.
 * A client namespace and a target namespace on a veth pair; the target's firewall (an nftables input rule
 * in its namespace) drops everything to 10 of its 30 addresses. One worker process per mode plays one
 * warm container: the real probe function runs a 300-check plan (one name per check through the lab DNS,
 * 30 checks to the silent hosts, some closed ports, the rest open) several rounds in a row, with the
 * per-destination timing history (probers/timing.ts) and, as the baseline, with it off (a fixed 5 s
 * timeout per connect). Rows: round wall time, first round and steady rounds; each invocation's billed
 * time priced through `probemesh cost`'s model (estimateCost with the measured probe time), and the
 * README's "rounds that wait on 5 s timeouts" computation redone with the measured slowest check. Then the
 * address fan-out: names behind 4 addresses probed at every address against `?addresses=first`.
 */
import { execFile } from "node:child_process";
import { estimateCost } from "@probemesh/core/cost";
import { startTsChild } from "./lib/child.js";
import { createNamespace, ip, ipIn, netnsMissing, type Namespace } from "./lib/netns.js";
import { median, type Row, type Section } from "./lib/report.js";
import { ANSWERING, CLIENT_IP, fanOutPlan, OPEN_PORTS, roundPlan, SILENT, TARGET_IP, targetRuleset, type BenchShape, type MeasuredRun } from "./lib/rounds-plan.js";
import { withWork } from "./lib/work.js";

const PLAN_CHECKS = 300;
const FAN_ADDRESSES = 4;
const TIMEOUT_MS = 5000;
/** The README's workload (`probemesh cost` with no flags) and the DESIGN.md target. */
const README_WORKLOAD = { checksPerRound: 100, regions: 3, intervalS: 60 };
const TARGET_USD = 0.5;
const section = "rounds";

function nft(ns: string, ruleset: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile("ip", ["netns", "exec", ns, "nft", "-f", "-"], (error, _out, stderr) => (error ? reject(new Error(`nft: ${stderr}`)) : resolve()));
    child.stdin!.end(ruleset);
  });
}

async function withTopology<T>(shape: BenchShape, run: (client: Namespace, target: Namespace, dns: string) => Promise<T>): Promise<T> {
  const tag = process.pid.toString(36);
  const client = createNamespace(`pmb-rc-${tag}`);
  const target = createNamespace(`pmb-rt-${tag}`);
  try {
    ip("link", "add", "pmbrc0", "netns", client.name, "type", "veth", "peer", "name", "pmbrt0", "netns", target.name);
    ipIn(client.name, "addr", "add", `${CLIENT_IP}/16`, "dev", "pmbrc0");
    for (const address of [TARGET_IP, ...ANSWERING, ...SILENT]) ipIn(target.name, "addr", "add", `${address}/16`, "dev", "pmbrt0");
    for (const [ns, dev] of [[client.name, "pmbrc0"], [target.name, "pmbrt0"]] as const) ipIn(ns, "link", "set", dev, "up");
    await nft(target.name, targetRuleset());
    const targets = await startTsChild<{ dns: string }>("bench/lib/rounds-targets.ts", [JSON.stringify({ ports: OPEN_PORTS, dnsHost: TARGET_IP, shape })], target.name);
    try {
      return await run(client, target, targets.info.dns);
    } finally {
      await targets.stop();
    }
  } finally {
    client.remove();
    target.remove();
  }
}

async function measure(client: Namespace, target: Namespace, dns: string, shape: BenchShape, history: boolean): Promise<MeasuredRun[]> {
  const args = { dns, targetNs: target.name, history, timeoutMs: TIMEOUT_MS, shape, fanOut: history };
  const worker = await startTsChild<MeasuredRun[]>("bench/lib/rounds-worker.ts", [JSON.stringify(args)], client.name);
  await worker.stop();
  return worker.info;
}

/** $ per million checks of a plan whose every region-round takes `probeMs`, through the cost model. */
const perMillion = (checks: Parameters<typeof estimateCost>[0]["checks"], probeMs: number) =>
  estimateCost({ checks, checksPerRound: checks!.length, regions: 3, intervalS: 60, probeMs }).perMillionChecksUsd;
const readmeCost = (slowestCheckMs: number) => estimateCost({ ...README_WORKLOAD, slowestCheckMs }).perMillionChecksUsd;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const usd = (v: number) => `$${v.toFixed(3)}`;

export const rounds: Section = async ({ quick, log }) => {
  const why = netnsMissing();
  if (why) return { section, rows: [], skipped: [`rounds: ${why}`] };
  const shape: BenchShape = { planChecks: PLAN_CHECKS, rounds: quick ? 3 : 6, fan: { size: quick ? 300 : 500, addresses: FAN_ADDRESSES, reps: quick ? 2 : 4 } };
  const roundCount = shape.rounds;
  const fanReps = shape.fan.reps;
  const plan = roundPlan(PLAN_CHECKS);
  const fan = fanOutPlan(shape.fan.size, FAN_ADDRESSES);
  // One process per mode: each starts cold, as a fresh container does; the fan-out runs in the warm one.
  const { on, off } = await withTopology(shape, async (client, target, dns) => {
    const on = await measure(client, target, dns, shape, true);
    const off = await measure(client, target, dns, shape, false);
    return { on, off };
  });
  for (const [mode, runs] of [["history", on], ["fixed timeout", off]] as const) {
    for (const r of runs) log(`${mode} ${r.label}: ${r.wallMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms, slowest ${r.slowestMs.toFixed(0)} ms, ${r.attempts} connects, ${JSON.stringify(r.counts)}`);
  }
  const roundsOf = (runs: MeasuredRun[]) => runs.filter((r) => r.label === "round");
  const [firstOn, ...steadyOn] = roundsOf(on);
  const [firstOff, ...steadyOff] = roundsOf(off);
  const steady = (runs: MeasuredRun[], key: "wallMs" | "slowestMs") => median(runs.map((r) => r[key]));
  const roundWork = { checksPlanned: 2 * roundCount * PLAN_CHECKS, probesExecuted: [...roundsOf(on), ...roundsOf(off)].reduce((a, r) => a + r.attempts, 0) };
  const planNote = `${PLAN_CHECKS} checks a round (${plan.silentChecks} to ${SILENT.length} black-holed hosts, ${plan.closedChecks} closed ports), ${TIMEOUT_MS / 1000} s budget, 1 retry, concurrency 32`;
  const costOn = perMillion(plan.checks, steady(steadyOn, "wallMs"));
  const costOff = perMillion(plan.checks, steady(steadyOff, "wallMs"));
  const slowestOn = steady(steadyOn, "slowestMs");
  const slowestOff = steady(steadyOff, "slowestMs");

  const fanOf = (label: string) => on.filter((r) => r.label === label);
  const perCheck = (runs: MeasuredRun[], key: "wallMs" | "cpuMs") => median(runs.map((r) => r[key] / fan.every.length));
  const fanWork = { checksPlanned: 2 * fanReps * fan.every.length, probesExecuted: [...fanOf("every"), ...fanOf("first")].reduce((a, r) => a + r.attempts, 0) };
  const fanNote = `${fan.every.length} names × ${FAN_ADDRESSES} addresses (lab DNS answer), tcp to an open port; median of ${fanReps} invocations each, alternated; connects seen: every ${median(fanOf("every").map((r) => r.attempts))}, first ${median(fanOf("first").map((r) => r.attempts))} per invocation`;
  const fanCost = (label: string) => perMillion(fan.every, median(fanOf(label).map((r) => r.wallMs)));

  const rows: Row[] = [
    withWork({ section, metric: "round wall time, first round of a fresh container", value: firstOn!.wallMs / 1000, unit: "s", baseline: "the same round, timing history off (fixed 5 s timeout)", baselineValue: firstOff!.wallMs / 1000, ratio: firstOn!.wallMs / firstOff!.wallMs, goal: "≤ 1.0", pass: firstOn!.wallMs <= firstOff!.wallMs, note: `${planNote}; slowest check ${s(firstOn!.slowestMs)} vs ${s(firstOff!.slowestMs)}` }, roundWork),
    withWork({ section, metric: `round wall time, steady rounds 2–${roundCount} of a warm container (median)`, value: steady(steadyOn, "wallMs") / 1000, unit: "s", baseline: "the same rounds, timing history off", baselineValue: steady(steadyOff, "wallMs") / 1000, ratio: steady(steadyOn, "wallMs") / steady(steadyOff, "wallMs"), goal: "≤ 0.5", pass: steady(steadyOn, "wallMs") <= 0.5 * steady(steadyOff, "wallMs"), note: `first round ${s(firstOn!.wallMs)} → steady ${s(steady(steadyOn, "wallMs"))} (history off: ${s(firstOff!.wallMs)} → ${s(steady(steadyOff, "wallMs"))}); slowest check ${s(slowestOn)} vs ${s(slowestOff)}` }, roundWork),
    withWork({ section, metric: "cost per million checks, steady rounds (measured probe invocation through probemesh cost's model)", value: costOn, unit: "$/M", baseline: "the same rounds, timing history off", baselineValue: costOff, ratio: costOn / costOff, goal: `≤ $${TARGET_USD.toFixed(2)} (DESIGN.md)`, pass: costOn <= TARGET_USD, note: `this plan from 3 regions every 60 s, each region-round billed as measured here; first round ${usd(perMillion(plan.checks, firstOn!.wallMs))} vs ${usd(perMillion(plan.checks, firstOff!.wallMs))}` }, roundWork),
    withWork({ section, metric: "README workload (100 checks/min × 3 regions) at the measured slowest steady check", value: readmeCost(slowestOn), unit: "$/M", baseline: "probemesh cost --slowest-check-ms 5000 (README's rounds that wait on 5 s timeouts; $0.57 on x86 before arm64 and the spool)", baselineValue: readmeCost(TIMEOUT_MS), ratio: readmeCost(slowestOn) / readmeCost(TIMEOUT_MS), goal: `≤ $${TARGET_USD.toFixed(2)}`, pass: readmeCost(slowestOn) <= TARGET_USD, note: `--slowest-check-ms ${Math.round(slowestOn)}; with history off the slowest check is ${s(slowestOff)} (5 s, backoff, 5 s again): ${usd(readmeCost(slowestOff))}; no timeouts (model default 1 s): ${usd(readmeCost(1000))}` }, roundWork),
    withWork({ section, metric: `address fan-out: billed invocation time per check, ${FAN_ADDRESSES} addresses per name`, value: perCheck(fanOf("every"), "wallMs"), unit: "ms", baseline: "?addresses=first", baselineValue: perCheck(fanOf("first"), "wallMs"), ratio: perCheck(fanOf("every"), "wallMs") / perCheck(fanOf("first"), "wallMs"), goal: "reported (the targets' process shares these cores; the CPU row is the comparison)", note: `${fanNote}; median check ${median(fanOf("every").map((r) => r.medianCheckMs)).toFixed(2)} ms vs ${median(fanOf("first").map((r) => r.medianCheckMs)).toFixed(2)} ms` }, fanWork),
    withWork({ section, metric: `address fan-out: client CPU per check, ${FAN_ADDRESSES} addresses per name`, value: perCheck(fanOf("every"), "cpuMs"), unit: "ms", baseline: "?addresses=first", baselineValue: perCheck(fanOf("first"), "cpuMs"), ratio: perCheck(fanOf("every"), "cpuMs") / perCheck(fanOf("first"), "cpuMs"), goal: `≤ ${FAN_ADDRESSES}.0 (one probe per address)`, pass: perCheck(fanOf("every"), "cpuMs") <= FAN_ADDRESSES * perCheck(fanOf("first"), "cpuMs"), note: "the worker process's user + system CPU (the targets and the lab DNS run in another process)" }, fanWork),
    withWork({ section, metric: `address fan-out: cost per million checks, ${FAN_ADDRESSES} addresses per name`, value: fanCost("every"), unit: "$/M", baseline: "?addresses=first", baselineValue: fanCost("first"), ratio: fanCost("every") / fanCost("first"), goal: "reported", note: `a ${fan.every.length}-check plan from 3 regions every 60 s, each invocation billed as measured here (this machine's cores, not a 512 MB Lambda's third of a vCPU)` }, fanWork),
  ];
  return { section, rows, skipped: [], raw: { plan: { checks: PLAN_CHECKS, silent: plan.silentChecks, closed: plan.closedChecks }, history: on, fixedTimeout: off } };
};
