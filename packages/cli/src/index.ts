import { readFileSync } from "node:fs";
import { processIO, UsageError, type CliIO, type Command } from "./io.js";

export const USAGE = `usage: probemesh <command> [options]

  catalog list [--json]                     built-in products
  catalog show <product> [--json]           a product's requirements, with source lines
  catalog diff <old> <new> [--json]         added/removed/changed requirements (exit 1 if any)
  plan --product <id> [--geo g] [--set KEY=VALUE]… [--profile file] [--catalog file] [--json]
  check [<target>…] [--product <id> --geo g --set K=V…] [--profile file]
        [--json | --junit file] [--timeout ms] [--concurrency n] [--expect-blocked <target>]
  import <vendor-doc file | -> [--json] [--product id] [--overrides file]
  status [--api url] [--json]
  cost [--profile file | --checks-per-minute n] [--regions n] [--interval s]
       [--slowest-check-ms n] [--arch arm64|x86_64] [--json]
                                            monthly AWS estimate, itemised (README's cost table)
  agent --api url --token t --location name [--interval s] [--buffer batches]
                                            probe one location's plan on a schedule, send results to the API

\`probemesh <command> --help\` explains a command; \`probemesh --version\` prints the version.
exit codes: 0 ok, 1 a required check failed / something changed, 2 bad usage or input
`;

/** The CLI package's version, from its package.json. */
export const VERSION = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

// Loaded on use: `probemesh check` does not pay for the cost model's modules (about half a second of start-up).
const COMMANDS: Record<string, () => Promise<Command>> = {
  catalog: async () => (await import("./commands/catalog.js")).catalog,
  plan: async () => (await import("./commands/plan.js")).plan,
  check: async () => (await import("./commands/check.js")).check,
  import: async () => (await import("./commands/import.js")).importCommand,
  status: async () => (await import("./commands/status.js")).status,
  cost: async () => (await import("./commands/cost.js")).cost,
  agent: async () => (await import("./commands/agent.js")).agent,
};

/** The command called `name`; never an inherited property such as "toString". */
function commandNamed(name: string | undefined): (() => Promise<Command>) | undefined {
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
}

/** Names of errors that mean bad usage or bad input: one line on stderr, exit 2. */
const INPUT_ERRORS = new Set(["UsageError", "PlanError", "ProfileError", "CatalogError", "ImportError", "UnknownProductError", "InvalidTargetError"]);

/** Entry point of the `probemesh` command; returns the exit code and never throws. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...args] = argv;
  // `probemesh plan … | head` closes the pipe early: that is the reader's choice, not an error.
  io.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") io.stderr.write(`probemesh: cannot write output: ${error.message}\n`);
  });
  try {
    if (name === "--help" || name === "-h" || name === "help") {
      const about = await commandNamed(args[0])?.();
      io.stdout.write(about?.help ?? USAGE);
      return 0;
    }
    if (name === "--version" || name === "-V" || name === "version") {
      io.stdout.write(`probemesh ${VERSION}\n`);
      return 0;
    }
    if (name === undefined) throw new UsageError("no command given (try: probemesh --help)");
    const load = commandNamed(name);
    if (!load) throw new UsageError(`unknown command "${name}" (valid: ${Object.keys(COMMANDS).join(", ")})`);
    const command = await load();
    if (args.includes("--help") || args.includes("-h")) {
      io.stdout.write(command.help ?? USAGE);
      return 0;
    }
    return await command(args, io);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const line = err.message.split("\n")[0];
    if (INPUT_ERRORS.has(err.name) || error instanceof UsageError) {
      io.stderr.write(`probemesh: ${line}\n`);
      return 2;
    }
    io.stderr.write(`probemesh: internal error: ${line}${io.env.PROBEMESH_DEBUG ? `\n${err.stack}` : " (set PROBEMESH_DEBUG=1 for details)"}\n`);
    return 1;
  }
}
