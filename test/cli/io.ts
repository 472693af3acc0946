import { PassThrough, Readable } from "node:stream";
import type { CliIO } from "../../packages/cli/src/io.js";

/** In-process CliIO whose output is captured as text. */
export function captureIO(options: { stdin?: string; cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c.toString()));
  stderr.on("data", (c: Buffer) => err.push(c.toString()));
  const io: CliIO = {
    stdout,
    stderr,
    stdin: Readable.from([options.stdin ?? ""]),
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}
