import { createReadStream } from "node:fs";
import { resolve } from "node:path";
import { MAX_PAGE_BYTES, importPage, importWithOverrides, parseOverrides, type ImportResult } from "@probemesh/core/import";
import { readCapped, UsageError, type CliIO, type Command } from "../io.js";
import { parse } from "./args.js";

const USAGE = "probemesh import <vendor-doc file | -> [--json] [--product id] [--overrides file]  (input up to 5 MB)";

/**
 * `probemesh import`: a vendor page → catalog JSON on stdout; what could not be classified goes to
 * stderr (or into the JSON with --json). With --overrides it rebuilds a built-in catalog.
 */
export const importCommand: Command = async (args, io) => {
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
};

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
