import { plan as expand, type PlanResult } from "@probemesh/core/plan";
import { loadProfile } from "@probemesh/core/profile";
import { resolve } from "node:path";
import { command, UsageError, type CliIO } from "../io.js";
import { columns, parse, parseSets } from "./args.js";
import { loadCatalog } from "./catalog-source.js";

const USAGE = "probemesh plan --product <id> [--geo g] [--set KEY=VALUE]… [--profile file] [--catalog file] [--json]";

const HELP = `usage: ${USAGE}

Expands a product's catalog (or a profile) into the concrete checks that would be probed.
A requirement whose placeholder has no value is listed as "needs KEY", never probed as a literal.

  --product <id>      built-in product (probemesh catalog list) or the product of --catalog
  --geo <g>           vendor geography (e.g. eu, us); not a probe region
  --set KEY=VALUE     a placeholder value (repeatable), e.g. --set CONTROL_PLANE_ID=abc
  --profile <file>    a profile (JSON or YAML): products, geo, values, customer hosts
  --catalog <file>    a catalog JSON file or a vendor page instead of the built-in one
  --json              machine-readable output: { checks, needs, skipped }

exit codes: 0 ok, 2 bad usage or input
`;

/** `probemesh plan`: catalog × geo × values → checks, needs, skipped. */
export const plan = command(HELP, async (args, io) => {
  const { values, positionals } = parse(
    args,
    { product: { type: "string" }, geo: { type: "string" }, set: { type: "string", multiple: true }, profile: { type: "string" }, catalog: { type: "string" }, json: { type: "boolean" } },
    USAGE,
  );
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (usage: ${USAGE})`);
  const profile = values.profile ? await loadProfile(resolve(io.cwd, values.profile)) : undefined;
  const catalog = values.catalog ? await loadCatalog(io, values.catalog) : undefined;
  const product = values.product ?? catalog?.product;
  if (!product && !profile) throw new UsageError(`--product or --profile is required (usage: ${USAGE})`);
  const result = expand({
    ...(product ? { product } : {}),
    ...(catalog ? { catalogs: [catalog] } : {}),
    ...(values.geo ? { geo: values.geo } : {}),
    set: parseSets(values.set),
    ...(profile ? { profile } : {}),
  });
  if (values.json) io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else printPlan(io, result);
  return 0;
});

function printPlan(io: CliIO, result: PlanResult): void {
  io.stdout.write(`${result.checks.length} checks, ${result.needs.length} need values, ${result.skipped.length} skipped\n`);
  if (result.checks.length) {
    io.stdout.write(columns([["TARGET", "LEVEL", "LABEL"], ...result.checks.map((c) => [`${c.target}${c.expect === "blocked" ? " (expect blocked)" : ""}`, c.level ?? "-", c.label ?? ""])]));
  }
  for (const need of result.needs) io.stdout.write(`needs ${need.missing.join(", ")}: ${need.label}\n`);
  const otherGeo = result.skipped.filter((s) => s.reason.includes("(planned geo:"));
  for (const skip of result.skipped) if (!otherGeo.includes(skip)) io.stdout.write(`skipped ${skip.requirementId}: ${skip.reason}\n`);
  if (otherGeo.length) io.stdout.write(`skipped ${otherGeo.length} requirements of other geos (--json lists them)\n`);
}
