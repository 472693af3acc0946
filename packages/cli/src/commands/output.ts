import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError, type CliIO } from "../io.js";

/**
 * The absolute path of an output file the command will write later, checked now: its directory exists
 * and is writable, and the path is not a directory. Anything else is a UsageError (exit 2) naming the flag.
 */
export async function writableOutput(io: CliIO, path: string, flag: string): Promise<string> {
  const absolute = resolve(io.cwd, path);
  const dir = dirname(absolute);
  const dirStat = await stat(dir).catch((error: NodeJS.ErrnoException) => error);
  if (dirStat instanceof Error) throw new UsageError(`${flag} ${path}: directory ${dir} ${reason(dirStat)}`);
  if (!dirStat.isDirectory()) throw new UsageError(`${flag} ${path}: ${dir} is not a directory`);
  const existing = await stat(absolute).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`${flag} ${path}: is a directory, not a file`);
  const denied = await access(existing ? absolute : dir, constants.W_OK).then(
    () => false,
    () => true,
  );
  if (denied) throw new UsageError(`${flag} ${path}: ${existing ? "file" : `directory ${dir}`} is not writable`);
  return absolute;
}

/** Writes an output file checked by `writableOutput`; a failure now (disk full, removed directory) is exit 2 too. */
export async function writeOutput(absolute: string, text: string, flag: string): Promise<void> {
  try {
    await writeFile(absolute, text);
  } catch (error) {
    throw new UsageError(`${flag} ${absolute}: cannot write (${reason(error as NodeJS.ErrnoException)})`);
  }
}

function reason(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
      return "does not exist";
    case "ENOTDIR":
      return "is not a directory";
    case "EACCES":
    case "EPERM":
      return "is not accessible";
    default:
      return error.code ?? error.message;
  }
}
