import type { Check, ProbeResult } from "@probemesh/core";

/** What a JUnit report needs besides the results: the checks (labels, levels) they came from. */
export interface JUnitOptions {
  /** Name of the top-level `<testsuites>` (default "probemesh"). */
  name?: string;
  checks?: Check[];
  /** When the run started, for the `timestamp` attribute. */
  startedAt?: Date;
}

/**
 * JUnit XML for CI, valid against the Jenkins xunit plugin's junit-10.xsd: one `<testsuite>` per product
 * (or "targets"), one `<testcase>` per result; fail → `<failure>`, inconclusive → `<skipped>` (it is not
 * a pass). All text is escaped.
 */
export function toJUnit(results: ProbeResult[], options: JUnitOptions = {}): string {
  const byId = new Map((options.checks ?? []).map((check) => [check.checkId, check]));
  const suites = new Map<string, ProbeResult[]>();
  for (const result of results) {
    const suite = byId.get(result.checkId)?.product ?? "targets";
    suites.set(suite, [...(suites.get(suite) ?? []), result]);
  }
  const timestamp = (options.startedAt ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "");
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  // junit-10.xsd (Jenkins xunit) allows `skipped` on <testsuite> only, not on <testsuites>.
  const { skipped: _perSuiteOnly, ...totals } = counts(results);
  lines.push(`<testsuites ${attributes({ name: options.name ?? "probemesh", ...totals })}>`);
  for (const [suite, members] of suites) {
    lines.push(`  <testsuite ${attributes({ name: suite, ...counts(members), timestamp })}>`);
    for (const result of members) lines.push(...testcase(result, byId.get(result.checkId)));
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}

function testcase(result: ProbeResult, check: Check | undefined): string[] {
  const name = check?.label && check.label !== result.target ? `${result.target} (${check.label})` : result.target;
  const open = `    <testcase ${attributes({ name, classname: `probemesh.${result.kind}.${result.region}`, time: seconds(result.durationMs) })}`;
  const summary = `${result.outcome}${result.expect === "blocked" ? " (expected blocked)" : ""}`;
  const body = escapeText(JSON.stringify({ outcome: result.outcome, remoteAddress: result.remoteAddress, phases: result.phases, detail: result.detail }, null, 2));
  if (result.status === "fail") {
    return [`${open}>`, `      <failure ${attributes({ message: summary, type: result.outcome })}>${body}</failure>`, "    </testcase>"];
  }
  if (result.status === "inconclusive") {
    return [`${open}>`, `      <skipped ${attributes({ message: `inconclusive: ${summary}` })}/>`, "    </testcase>"];
  }
  return [`${open}/>`];
}

function counts(results: ProbeResult[]): Record<string, string> {
  const total = results.reduce((sum, r) => sum + r.durationMs, 0);
  return {
    tests: String(results.length),
    failures: String(results.filter((r) => r.status === "fail").length),
    errors: "0",
    skipped: String(results.filter((r) => r.status === "inconclusive").length),
    time: seconds(total),
  };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function attributes(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}="${escapeAttribute(value)}"`)
    .join(" ");
}

/** Characters XML 1.0 cannot carry at all (most C0 controls, lone surrogates) are dropped. */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

function escapeText(value: string): string {
  return value.replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, "&quot;").replace(/'/g, "&apos;").replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");
}
