import { describe, expect, it } from "vitest";
import type { Finding } from "../draft.js";
import { readPage } from "../page.js";
import { TABLE_SHAPES } from "./index.js";

const read = (text: string) => readPage(text);

describe("table shapes", () => {
  it("every shape declines a line that is not its shape", () => {
    const problems: Finding[] = [];
    for (const shape of Object.values(TABLE_SHAPES)) expect(shape(["Just a sentence, with a comma.", "", "More."], 0, problems)).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it("CSV: a quoted field may span lines; a row wider than the header is reported", () => {
    const page = read('Host,Port,Notes\na.example.com,443,"first line\nsecond line"\nb.example.com,80,x,extra\n');
    expect(page.tables).toMatchObject([{ shape: "delimited", headers: ["Host", "Port", "Notes"], rows: [{ cells: ["a.example.com", "443", "first line\nsecond line"], line: 2 }] }]);
    expect(page.problems).toEqual([{ line: 4, text: "b.example.com,80,x,extra", reason: "row has 4 cells, the header 3; not imported" }]);
  });

  it("space-aligned columns: empty cells are sliced at the header's offsets, a row that does not line up is reported", () => {
    const page = read("Host            Port   Proto\na.example.com   443\nb.example.com   53     UDP\nc.example.com 443 tcp-or-udp\n");
    expect(page.tables[0]?.rows.map((r) => r.cells)).toEqual([
      ["a.example.com", "443", ""],
      ["b.example.com", "53", "UDP"],
    ]);
    expect(page.problems.map((p) => p.line)).toEqual([4]);
  });

  it("one cell per line: rows are read while they fit, the rest stays prose", () => {
    const page = read("Host\nPort\na.example.com\n443\n\nb.example.com\n8443\nThat is all.\nThanks\n");
    expect(page.tables[0]).toMatchObject({ shape: "cell-lines", rows: [{ cells: ["a.example.com", "443"], line: 3 }, { cells: ["b.example.com", "8443"], line: 6 }] });
    expect(page.prose.map((p) => p.line)).toEqual([8, 9]);
  });

  it("pipe rows without outer pipes need a separator row or column names", () => {
    expect(read("Host | Port\na.example.com | 443\n").tables[0]).toMatchObject({ shape: "pipe", rows: [{ cells: ["a.example.com", "443"] }] });
    expect(read("this | that\nfoo | bar\n").tables).toEqual([]);
  });

  it("nested lists: each line knows the items above it", () => {
    const page = read("Agent:\n- EU\n  - a.example.com:443\n- b.example.com:80\n\nPlain text resets.\n- c.example.com:1\n");
    expect(page.prose.map((p) => [p.line, p.outline])).toEqual([
      [1, []],
      [2, ["Agent"]],
      [3, ["Agent", "EU"]],
      [4, ["Agent"]],
      [6, []],
      [7, []],
    ]);
  });
});
