import * as v from "valibot";
import { command, UsageError, type CliIO } from "../io.js";
import { columns, parse } from "./args.js";
import { ConnectionError, getJson } from "./http.js";

const USAGE = "probemesh status [--api url] [--json]";
const DEFAULT_API = "http://127.0.0.1:8787";
const TIMEOUT_MS = 10_000;

const HELP = `usage: ${USAGE}

Prints the overall verdict per check (up | degraded | down | unknown) and each probe region's
state, as the API's GET /v1/status reports them.

  --api <url>   the probemesh API (default $PROBEMESH_API, else ${DEFAULT_API})
  --json        the API's answer as JSON

exit codes: 0 ok, 1 the API could not be reached or answered an error, 2 bad usage
`;

const StatusSchema = v.object({
  generatedAt: v.string(),
  checks: v.array(
    v.object({
      checkId: v.string(),
      label: v.nullish(v.string()),
      product: v.nullish(v.string()),
      component: v.nullish(v.string()),
      verdict: v.string(),
      regions: v.record(v.string(), v.unknown()),
    }),
  ),
  summary: v.object({ up: v.number(), degraded: v.number(), down: v.number(), unknown: v.number() }),
});

/** `probemesh status`: the API's overall verdict per check (GET {api}/v1/status). */
export const status = command(HELP, async (args, io) => {
  const { values, positionals } = parse(args, { api: { type: "string" }, json: { type: "boolean" } }, USAGE);
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: ${USAGE})`);
  const base = values.api ?? io.env.PROBEMESH_API ?? DEFAULT_API;
  let url: URL;
  try {
    url = new URL("/v1/status", base);
  } catch {
    throw new UsageError(`--api: not a URL: ${base}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--api: must be http(s), got ${url.protocol}`);

  let response: Awaited<ReturnType<typeof getJson>>;
  try {
    response = await getJson(url, TIMEOUT_MS);
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    io.stderr.write(`probemesh: cannot reach ${url.origin} (${error.message})\n`);
    return 1;
  }
  const body = response.body;
  if (response.status < 200 || response.status > 299) {
    const message = (body as { error?: { message?: string } } | undefined)?.error?.message ?? (response.statusText || "no error message");
    io.stderr.write(`probemesh: ${url.href} answered ${response.status}: ${message}\n`);
    return 1;
  }
  const parsed = v.safeParse(StatusSchema, body);
  if (!parsed.success) {
    io.stderr.write(`probemesh: ${url.href} answered an unexpected body (${parsed.issues[0]?.message ?? "invalid"})\n`);
    return 1;
  }
  if (values.json) io.stdout.write(`${JSON.stringify(parsed.output, null, 2)}\n`);
  else printStatus(io, parsed.output);
  return 0;
});

function printStatus(io: CliIO, s: v.InferOutput<typeof StatusSchema>): void {
  const { up, degraded, down, unknown } = s.summary;
  io.stdout.write(`${s.generatedAt}: ${up} up, ${degraded} degraded, ${down} down, ${unknown} unknown\n`);
  const regions = [...new Set(s.checks.flatMap((c) => Object.keys(c.regions)))].sort();
  const rows = s.checks.map((c) => [c.verdict, c.label ?? c.checkId, ...regions.map((r) => stateText(c.regions[r]))]);
  if (rows.length) io.stdout.write(columns([["VERDICT", "CHECK", ...regions], ...rows]));
}

/** A region's state may be a word or an object with a status/state field. */
function stateText(state: unknown): string {
  if (state === undefined || state === null) return "-";
  if (typeof state === "string") return state;
  const o = state as { state?: unknown; status?: unknown; outcome?: unknown };
  return String(o.state ?? o.status ?? o.outcome ?? "?");
}
