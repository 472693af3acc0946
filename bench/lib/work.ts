import type { Row } from "./report.js";

/** What a row that runs checks claims, and what its targets saw. */
export interface Work {
  /** Checks the plan claims to run (checks × regions × rounds). */
  checksPlanned: number;
  /** Probes counted on the targets' side: connections accepted, datagrams and queries received. */
  probesExecuted: number;
}

/**
 * Puts the row's work next to its figure, and fails the row (only this row, not the run) when
 * the contender did less work than the row claims — e.g. checks of one target sharing one probe.
 */
export function withWork(row: Row, work: Work): Row {
  const enough = work.probesExecuted >= work.checksPlanned;
  const claim = enough ? {} : { note: [row.note, `less work than claimed: ${work.checksPlanned - work.probesExecuted} checks were not probed`].filter(Boolean).join("; ") };
  return {
    ...row,
    ...claim,
    checksPlanned: work.checksPlanned,
    probesExecuted: work.probesExecuted,
    goal: [row.goal, "probes ≥ checks"].filter(Boolean).join("; "),
    pass: (row.pass ?? true) && enough,
  };
}
