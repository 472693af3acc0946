import type { Requirement } from "../../catalog/schema.js";
import type { Finding, Report } from "../draft.js";

/** One data row of a table and the page line it starts on. */
export interface TableRow {
  cells: string[];
  line: number;
}

/** The table shapes the page reader knows (see shapes/index.ts). */
export type TableShapeName = "html" | "pipe" | "flattened" | "delimited" | "columns" | "cell-lines";

/** A table as a shape reads it, before the page gives it a position, heading and tab. */
export interface RawTable {
  line: number;
  headers: string[];
  rows: TableRow[];
  shape: TableShapeName;
}

/** What a shape took from the page: lines `at`..`end` (inclusive) are consumed. */
export interface Block {
  end: number;
  /** Absent when the lines were consumed but hold no table (e.g. a stray one-line pipe row). */
  table?: RawTable;
  /** A Liquid `{% endtab %}` was met inside the block. */
  closesTab?: boolean;
}

/**
 * Reads one table shape starting at `lines[at]` (0-based), or returns undefined when the lines
 * there are not that shape. Problems met on the way are pushed with their 1-based line numbers.
 */
export type TableShape = (lines: readonly string[], at: number, problems: Finding[]) => Block | undefined;

/** A prose line as a line reader sees it: its own text, and the definitions that follow a definition-list term. */
export interface LineInput {
  text: string;
  definitions: string[];
  /** Clean text of the line and its definitions, where direction, level and conditions are looked for. */
  context: string;
  line: number;
}

/** A requirement a line reader found; the page adds component, geographies and source. */
export type LineRequirement = Omit<Requirement, "id" | "source" | "geos">;

/**
 * Reads requirements from one line of running text, or returns undefined when the line is not
 * that reader's shape. Defaults it takes are pushed to `report.assumptions`, what it cannot read
 * to `report.unclassified`.
 */
export type LineReader = (input: LineInput, report: Report) => LineRequirement[] | undefined;
