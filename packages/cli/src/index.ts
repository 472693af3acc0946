import { processIO, type CliIO } from "./io.js";

/** Entry point of the `probemesh` command; returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  io.stderr.write(`probemesh: not implemented yet: ${argv.join(" ")}\n`);
  return 2;
}
