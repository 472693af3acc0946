import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { MAX_PAGE_BYTES, importPage, importWithOverrides, parseOverrides, type ImportResult } from "@probemesh/core/import";
import { command, readCapped, UsageError, type CliIO } from "../io.js";
import { parse } from "./args.js";

const USAGE = "probemesh import <vendor-doc file | -> [--json] [--product id] [--overrides file]  (input up to 5 MB)";

const HELP = `usage: ${USAGE}

Reads a vendor's network-requirements page (HTML, Markdown, text copied from a PDF; "-" = stdin)
and prints the catalog JSON on stdout; rows it could not classify and the assumptions it made go
to stderr with their line numbers.

  --json              the whole import: { catalog, unclassified, assumptions }
  --product <id>      product id to give the imported catalog
  --overrides <file>  rebuild a built-in catalog: the page plus its overrides JSON

exit codes: 0 ok, 2 bad usage or unreadable input
`;

/**
 * `probemesh import`: a vendor page → catalog JSON on stdout; what could not be classified goes to
 * stderr (or into the JSON with --json). With --overrides it rebuilds a built-in catalog.
 */
export const importCommand = command(HELP, async (args, io) => {
  const { values, positionals } = parse(args, { json: { type: "boolean" }, product: { type: "string" }, overrides: { type: "string" } }, USAGE);
  if (positionals.length !== 1) throw new UsageError(`usage: ${USAGE}`);
  const input = positionals[0]!;
  const text = input === "-" ? await readStdin(io) : await readText(io, input);
  let result: ImportResult;
  if (values.overrides) {
    const raw = await readText(io, values.overrides);
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch (error) {
      throw new UsageError(`${values.overrides}: invalid JSON: ${(error as Error).message}`);
    }
    result = importWithOverrides(text, parseOverrides(data, values.overrides));
  } else {
    result = importPage(text, { file: input === "-" ? "stdin" : input, ...(values.product ? { product: values.product } : {}) });
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${JSON.stringify(result.catalog, null, 2)}\n`);
  for (const u of result.unclassified) io.stderr.write(`unclassified: line ${u.line}: ${u.reason}: ${u.text}\n`);
  const count = result.catalog.components.reduce((n, c) => n + c.requirements.length, 0);
  io.stderr.write(`imported ${count} requirements, ${result.unclassified.length} unclassified, ${result.assumptions.length} assumptions (--json lists them)\n`);
  return 0;
});

/** A file's text, read up to the input cap (a device such as /dev/urandom stops there too). */
export async function readText(io: CliIO, path: string): Promise<string> {
  const stream = createReadStream(resolve(io.cwd, path));
  try {
    return await readCapped(stream, MAX_PAGE_BYTES, path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

async function readStdin(io: CliIO): Promise<string> {
  return readCapped(io.stdin, MAX_PAGE_BYTES, "stdin");
}
