/**
 * The table shapes the page reader tries at each line, in order (like blackbox_exporter's prober
 * map: one file per shape, one function type). The first shape that recognises the line wins.
 */
import { cellLinesTable } from "./cell-lines.js";
import { columnTable } from "./columns.js";
import { delimitedTable } from "./delimited.js";
import { htmlTable } from "./html.js";
import { flattenedTable, pipeTable } from "./pipe.js";
import type { TableShape, TableShapeName } from "./types.js";

export const TABLE_SHAPES: Readonly<Record<TableShapeName, TableShape>> = {
  html: htmlTable,
  flattened: flattenedTable,
  pipe: pipeTable,
  delimited: delimitedTable,
  columns: columnTable,
  "cell-lines": cellLinesTable,
};

export { dlToDefinitionList, htmlText } from "./html.js";
export { splitPipes } from "./pipe.js";
export type { Block, RawTable, TableRow, TableShape, TableShapeName } from "./types.js";
