import { resolve } from "node:path";
import { addressOutcomes, checkIdOf, loadProfile, plan as expand, type Check, type PlanResult, type Profile, type ProbeResult } from "@probemesh/core";
import { runChecks } from "@probemesh/core/engine";
import { dnsLookup, type ProbeContext } from "@probemesh/core/probers";
import { formatTarget, InvalidTargetError, parseTarget } from "@probemesh/core/target";
import { command, UsageError, type CliIO } from "../io.js";
import { toJUnit } from "../junit/index.js";
import { columns, parse, parseSets } from "./args.js";
import { writableOutput, writeOutput } from "./output.js";

const USAGE =
  "probemesh check [<target>…] [--product <id> --geo g --set K=V…] [--profile file] [--json | --junit file] " +
  "[--timeout ms] [--concurrency n] [--expect-blocked <target>] [--resolver ip:port] [--strict]";
const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_CONCURRENCY = 20;
const REGION = "local";

const HELP = `usage: probemesh check [<target>…] [--product <id> --geo g --set K=V…] [--profile file]
                      [--json | --junit file] [--timeout ms] [--concurrency n]
                      [--expect-blocked <target>]… [--resolver ip:port] [--strict]

Probes targets from this machine, now: the targets given, and/or the checks a product or profile plans.
Targets: tcp://host:443, tcp://host:64535-65535, tls://host:443, https://host/path, dns://server/name?type=A,
udp://host:53?payload=hex, icmp://host; ?expect=blocked makes any of them a negative test.

  --product <id> --geo g --set K=V   check what a product's catalog requires (see probemesh plan)
  --profile <file>                   check what a profile plans (and its targets)
  --json                             results and a summary as JSON on stdout
  --junit <file>                     also write a JUnit XML report (its directory must exist)
  --timeout <ms>                     per-probe time budget (default ${DEFAULT_TIMEOUT_MS})
  --concurrency <n>                  probes in flight at once (default ${DEFAULT_CONCURRENCY})
  --expect-blocked <target>          a target that must NOT be reachable (repeatable)
  --resolver <ip:port>               ask this DNS server instead of the system's
  --strict                           an inconclusive result (e.g. UDP silence) fails the run

exit codes: 0 every required check passed, 1 one failed, 2 bad usage or input
`;

/**
 * `probemesh check`: probes raw targets and/or the checks a product or profile plans, from here.
 * Exit 0 when every required check passes (inconclusive ones too unless --strict), 1 when one fails,
 * 2 on bad usage or input.
 */
export const check = command(HELP, async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      product: { type: "string" },
      geo: { type: "string" },
      set: { type: "string", multiple: true },
      profile: { type: "string" },
      json: { type: "boolean" },
      junit: { type: "string" },
      timeout: { type: "string" },
      concurrency: { type: "string" },
      "expect-blocked": { type: "string", multiple: true },
      resolver: { type: "string" },
      strict: { type: "boolean" },
    },
    USAGE,
  );
  if (values.json && values.junit !== undefined) throw new UsageError("--json and --junit cannot be combined");
  if (values.junit === "") throw new UsageError("--junit needs a file name");
  const timeoutMs = positiveInt(values.timeout, "--timeout", DEFAULT_TIMEOUT_MS, 600_000);
  const concurrency = positiveInt(values.concurrency, "--concurrency", DEFAULT_CONCURRENCY, 10_000);
  if ((values.geo || values.set) && !values.product && !values.profile) throw new UsageError("--geo and --set need --product or --profile");
  // Checked before anything is probed: a report that cannot be written is bad input, not a late surprise.
  const junitPath = values.junit !== undefined ? await writableOutput(io, values.junit, "--junit") : undefined;

  const profile = values.profile ? await loadProfile(resolve(io.cwd, values.profile)) : undefined;
  const planned = values.product || profile ? planChecks(values.product, values.geo, parseSets(values.set), profile) : undefined;
  const checks = [
    ...(planned?.checks ?? []),
    ...positionals.map((uri) => rawCheck(uri, undefined)),
    ...(values["expect-blocked"] ?? []).map((uri) => rawCheck(uri, "blocked")),
  ];
  if (checks.length === 0 && !planned) throw new UsageError(`nothing to check: give targets, --product or --profile (usage: ${USAGE})`);

  const context: Partial<ProbeContext> & { region: string } = { region: REGION };
  if (values.resolver) context.lookup = dnsLookup({ server: values.resolver, timeoutMs });
  if (profile?.proxy) context.proxy = profile.proxy;

  const progress = progressLine(io, checks.length);
  const startedAt = new Date();
  const results = await runChecks(checks, { context, concurrency, timeoutMs, onResult: progress.update });
  progress.done();

  const verdict = summarise(results, checks, values.strict === true);
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ summary: verdict.summary, results, needs: planned?.needs ?? [], skipped: planned?.skipped ?? [] }, null, 2)}\n`);
  } else {
    printTable(io, results, checks, planned);
    io.stdout.write(`${verdict.line}\n`);
  }
  if (junitPath !== undefined) await writeOutput(junitPath, toJUnit(results, { checks, startedAt }), "--junit");
  return verdict.failed ? 1 : 0;
});

function planChecks(product: string | undefined, geo: string | undefined, set: Record<string, string>, profile: Profile | undefined): PlanResult {
  return expand({ ...(product ? { product } : {}), ...(geo ? { geo } : {}), set, ...(profile ? { profile } : {}) });
}

/** A target from the command line: validated now, so a typo is exit 2 before anything is probed. */
function rawCheck(uri: string, expect: "blocked" | undefined): Check {
  let canonical: string;
  try {
    canonical = formatTarget(parseTarget(uri));
  } catch (error) {
    if (error instanceof InvalidTargetError) throw new UsageError(error.message);
    throw error;
  }
  return { checkId: checkIdOf("cli", canonical, expect ?? ""), target: uri, label: uri, ...(expect ? { expect } : {}) };
}

function positiveInt(raw: string | undefined, flag: string, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > max) throw new UsageError(`${flag} must be a whole number from 1 to ${max}, not "${raw}"`);
  return Number(raw);
}

interface Verdict {
  failed: boolean;
  line: string;
  summary: { results: number; pass: number; fail: number; inconclusive: number; requiredFailed: number; optionalFailed: number };
}

/** Only required checks decide the exit code; optional and conditional failures are reported. */
function summarise(results: ProbeResult[], checks: Check[], strict: boolean): Verdict {
  const levels = new Map(checks.map((c) => [c.checkId, c.level ?? "required"]));
  const required = (r: ProbeResult) => (levels.get(r.checkId) ?? "required") === "required";
  const pass = results.filter((r) => r.status === "pass").length;
  const fail = results.filter((r) => r.status === "fail");
  const inconclusive = results.filter((r) => r.status === "inconclusive");
  const requiredFailed = fail.filter(required).length + (strict ? inconclusive.filter(required).length : 0);
  const optionalFailed = fail.length - fail.filter(required).length;
  const parts = [`${results.length} results: ${pass} pass, ${fail.length} fail, ${inconclusive.length} inconclusive`];
  if (optionalFailed) parts.push(`${optionalFailed} of the failures optional/conditional`);
  if (inconclusive.length && !strict) parts.push("inconclusive is not a pass (--strict fails on it)");
  return {
    failed: requiredFailed > 0,
    line: parts.join("; "),
    summary: { results: results.length, pass, fail: fail.length, inconclusive: inconclusive.length, requiredFailed, optionalFailed },
  };
}

function printTable(io: CliIO, results: ProbeResult[], checks: Check[], planned: PlanResult | undefined): void {
  const byId = new Map(checks.map((c) => [c.checkId, c]));
  const rows = results.map((r) => {
    const check = byId.get(r.checkId);
    const level = check?.level && check.level !== "required" ? ` [${check.level}]` : "";
    return [
      r.status.toUpperCase(),
      r.outcome,
      `${r.target}${r.expect === "blocked" && !r.target.includes("expect=blocked") ? " (expect blocked)" : ""}`,
      `${Math.round(r.durationMs)}ms`,
      `${highlights(r)}${level}`,
    ];
  });
  if (rows.length) io.stdout.write(columns([["STATUS", "OUTCOME", "TARGET", "TIME", "DETAIL"], ...rows]));
  for (const need of planned?.needs ?? []) io.stdout.write(`needs ${need.missing.join(", ")}: ${need.label}\n`);
}

/** The one thing worth seeing per result in a terminal. */
function highlights(result: ProbeResult): string {
  const d = result.detail ?? {};
  const bits: string[] = [];
  const perAddress = addressOutcomes(result);
  if (perAddress) bits.push(perAddress);
  else if (result.remoteAddress) bits.push(result.remoteAddress);
  if (typeof d.status === "number") bits.push(`HTTP ${d.status}`);
  if (typeof d.proxyStatus === "number" && result.outcome === "proxy_denied") bits.push(`proxy ${d.proxyStatus}`);
  if (typeof d.errno === "string") bits.push(d.errno);
  const cert = (d.cert ?? (d.tls as { cert?: unknown } | undefined)?.cert) as { validTo?: string } | undefined;
  if (cert?.validTo) bits.push(`cert until ${cert.validTo.slice(0, 10)}`);
  if (typeof d.open === "number") bits.push(`${d.open} open, ${d.closed} closed, ${d.filtered} filtered`);
  const fallback = d.fallback as { label?: string; outcome?: string } | undefined;
  if (fallback) bits.push(`fallback ${fallback.label}: ${fallback.outcome}`);
  if (d.deadline) bits.push("cut off by the deadline");
  if (result.outcome === "invalid_target" && typeof d.error === "string") bits.push(d.error);
  return bits.join(", ");
}

/** "[3/40] tcp://…" on stderr, rewritten in place; only on a TTY, never in pipes or files. */
function progressLine(io: CliIO, total: number): { update: (result: ProbeResult) => void; done: () => void } {
  if (!io.stderr.isTTY || total === 0) return { update: () => {}, done: () => {} };
  let seen = 0;
  return {
    update: (result) => {
      seen += 1;
      io.stderr.write(`\r\x1b[K[${Math.min(seen, total)}/${total}] ${result.status} ${result.target}`.slice(0, 200));
    },
    done: () => io.stderr.write("\r\x1b[K"),
  };
}
