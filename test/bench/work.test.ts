import { describe, expect, it } from "vitest";
import { renderTable, type Row } from "../../bench/lib/report.js";
import { withWork } from "../../bench/lib/work.js";

const row: Row = { section: "load", metric: "stored results/min", value: 12_000, unit: "/min", goal: "≥ 1.0", pass: true, note: "21 rounds" };

describe("bench rows that run checks", () => {
  it("report checks planned and probes executed, and keep their verdict when the work was done", () => {
    const done = withWork(row, { checksPlanned: 63_000, probesExecuted: 63_000 });
    expect(done).toMatchObject({ checksPlanned: 63_000, probesExecuted: 63_000, pass: true, goal: "≥ 1.0; probes ≥ checks" });
    expect(renderTable([done])).toContain("| 63,000 checks planned, 63,000 probes executed; 21 rounds |");
  });

  it("fail the row, and only the row, when the contender did less work than claimed (shared probes)", () => {
    const shared = withWork(row, { checksPlanned: 10_000, probesExecuted: 1 });
    expect(shared.pass).toBe(false);
    expect(shared.note).toBe("21 rounds; less work than claimed: 9999 checks were not probed");
    expect(renderTable([shared])).toMatch(/\| NO \| 10,000 checks planned, 1 probes executed; 21 rounds; less work than claimed/);
    // A row without a goal of its own gets one: the work.
    expect(withWork({ section: "footprint", metric: "peak RSS", value: 1, unit: "MiB" }, { checksPlanned: 5, probesExecuted: 5 }).pass).toBe(true);
  });
});
