/** What a command may touch: injected so tests run commands in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Bad usage or bad input: printed as one line on stderr, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** A command: parses its own arguments, returns the process exit code. */
export interface Command {
  (args: string[], io: CliIO): Promise<number>;
  /** What `probemesh <command> --help` prints. */
  readonly help?: string;
}

/** A command with its `--help` text. */
export function command(help: string, run: (args: string[], io: CliIO) => Promise<number>): Command {
  return Object.assign(run, { help });
}

/** The real process streams. */
export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), env: process.env };
}

/**
 * Reads a stream as UTF-8 text, stopping as soon as it exceeds `cap` bytes (so endless input such
 * as /dev/urandom ends at the cap): then a UsageError naming `name`.
 */
export async function readCapped(stream: NodeJS.ReadableStream, cap: number, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > cap) {
      (stream as { destroy?: () => void }).destroy?.();
      throw new UsageError(`${name}: larger than the ${cap / 1024 / 1024} MB input cap`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}
