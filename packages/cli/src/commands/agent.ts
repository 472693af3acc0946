import { LocationNameSchema } from "@probemesh/core/agent";
import * as v from "valibot";
import { AgentRefusedError, runAgent } from "../agent/index.js";
import { command, UsageError } from "../io.js";
import { parse } from "./args.js";

const USAGE = "probemesh agent --api <url> --token <token> --location <name> [--interval s] [--buffer batches] [--timeout ms] [--concurrency n]";

const HELP = `usage: ${USAGE}

Runs until SIGINT/SIGTERM: fetches the location's plan from the API (GET /v1/agents/<location>/plan),
probes it every interval with the same engine as the probe regions, sends the results in batches
(kept in memory while the API is unreachable, sent later, oldest first) and a heartbeat per round.

  --api <url>         the probemesh API (default $PROBEMESH_API)
  --token <token>     this location's agent token (default $PROBEMESH_AGENT_TOKEN; keeps it out of ps)
  --location <name>   the location (a-z, 0-9, -); it shows as region agent:<name>
  --interval <s>      seconds between rounds (default: the plan's)
  --buffer <n>        result batches kept while the API is unreachable (default 1000; oldest dropped beyond)
  --timeout <ms>      budget of one probe (default 5000)
  --concurrency <n>   probes in flight (default 32)

exit codes: 0 stopped by a signal, 2 bad usage or the API refused the token
`;

/**
 * `probemesh agent`: a long-running probe agent for one location (see ../agent). The token may
 * come from PROBEMESH_AGENT_TOKEN instead of --token, so it stays out of the process list.
 * SIGINT/SIGTERM stop it cleanly with exit 0; a refused token exits 2.
 */
export const agent = command(HELP, async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      api: { type: "string" },
      token: { type: "string" },
      location: { type: "string" },
      interval: { type: "string" },
      buffer: { type: "string" },
      timeout: { type: "string" },
      concurrency: { type: "string" },
    },
    USAGE,
  );
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: ${USAGE})`);
  const apiText = values.api ?? io.env.PROBEMESH_API;
  if (!apiText) throw new UsageError(`--api is required (usage: ${USAGE})`);
  let api: URL;
  try {
    api = new URL(apiText);
  } catch {
    throw new UsageError(`--api: not a URL: ${apiText}`);
  }
  if (api.protocol !== "http:" && api.protocol !== "https:") throw new UsageError(`--api: must be http(s), got ${api.protocol}`);
  const token = values.token ?? io.env.PROBEMESH_AGENT_TOKEN;
  if (!token) throw new UsageError("--token (or PROBEMESH_AGENT_TOKEN) is required");
  if (token.length > 512 || /\s/.test(token)) throw new UsageError("--token: at most 512 characters without spaces");
  const location = values.location ?? io.env.PROBEMESH_AGENT_LOCATION;
  if (!location) throw new UsageError(`--location is required (usage: ${USAGE})`);
  if (!v.is(LocationNameSchema, location)) throw new UsageError(`--location: "${String(location).slice(0, 64)}" is not a location name (a-z, 0-9, -; up to 63)`);

  const controller = new AbortController();
  const stop = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) io.stderr.write(`probemesh agent: ${signal}, stopping\n`);
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  try {
    return await runAgent({
      api,
      token,
      location,
      ...(values.interval !== undefined ? { intervalS: integer("--interval", values.interval, 1, 86_400) } : {}),
      bufferBatches: values.buffer !== undefined ? integer("--buffer", values.buffer, 1, 100_000) : 1_000,
      timeoutMs: values.timeout !== undefined ? integer("--timeout", values.timeout, 100, 60_000) : 5_000,
      concurrency: values.concurrency !== undefined ? integer("--concurrency", values.concurrency, 1, 1024) : 32,
      signal: controller.signal,
      log: (line) => io.stdout.write(`${line}\n`),
    });
  } catch (error) {
    if (!(error instanceof AgentRefusedError)) throw error;
    io.stderr.write(`probemesh agent: ${error.message}\n`);
    return 2;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
});

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`${name}: expected an integer from ${min} to ${max}, got "${text}"`);
  return value;
}
