/**
 * The page shapes the importer knows, like blackbox_exporter's prober map: one file per shape,
 * one function type per kind of block (a table shape reads lines into a table, a line reader reads
 * one prose line into requirements).
 */
import { cellLinesTable } from "./cell-lines.js";
import { columnTable } from "./columns.js";
import { delimitedTable } from "./delimited.js";
import { htmlTable } from "./html.js";
import { flattenedTable, pipeTable } from "./pipe.js";
import { hostPortLine } from "./host-port.js";
import { sentenceLine } from "./sentence.js";
import type { LineReader, TableShape, TableShapeName } from "./types.js";

/** Tried at each line of the page, in order; the first shape that recognises the line wins. */
export const TABLE_SHAPES: Readonly<Record<TableShapeName, TableShape>> = {
  html: htmlTable,
  flattened: flattenedTable,
  pipe: pipeTable,
  delimited: delimitedTable,
  columns: columnTable,
  "cell-lines": cellLinesTable,
};

export { dlToDefinitionList, htmlListsToBullets, htmlText } from "./html.js";
export { splitPipes } from "./pipe.js";
export type { Block, RawTable, TableRow, TableShape, TableShapeName } from "./types.js";

/** The line readers tried on each prose line, in order; the first that recognises the line wins. */
export const LINE_READERS: Readonly<Record<"host-port" | "sentence", LineReader>> = {
  "host-port": hostPortLine,
  sentence: sentenceLine,
};
export type { LineInput, LineReader, LineRequirement } from "./types.js";
