import { getCatalog, listProducts, type Catalog } from "@probemesh/core/catalog";
import { diffCatalogs, formatDiff, isUnchanged } from "@probemesh/core/diff";
import { command, UsageError, type CliIO } from "../io.js";
import { columns, parse } from "./args.js";
import { loadCatalog as load } from "./catalog-source.js";

const USAGE = "probemesh catalog list|show <product>|diff <old> <new> [--json]";

const HELP = `usage: probemesh catalog list [--json]
       probemesh catalog show <product | catalog.json | vendor page> [--json]
       probemesh catalog diff <old> <new> [--json]

  list    the built-in products with their vendor geographies and requirement counts
  show    a product's requirements per component, each with its source line
  diff    requirements added, removed or changed between two catalogs
          (product ids, catalog JSON files or vendor pages, imported on the fly)

  --json  machine-readable output

exit codes: 0 ok (diff: no changes), 1 diff found changes, 2 bad usage or input
`;

/** `probemesh catalog list|show|diff`. */
export const catalog = command(HELP, async (args, io) => {
  const { values, positionals } = parse(args, { json: { type: "boolean" } }, USAGE);
  const [sub, ...rest] = positionals;
  const json = values.json === true;
  if (sub === "list" && rest.length === 0) return list(io, json);
  if (sub === "show" && rest.length === 1) return show(io, await load(io, rest[0]!), json);
  if (sub === "diff" && rest.length === 2) return diff(io, rest[0]!, rest[1]!, json);
  throw new UsageError(`usage: ${USAGE}`);
});

function list(io: CliIO, json: boolean): number {
  const products = listProducts();
  if (json) io.stdout.write(`${JSON.stringify(products, null, 2)}\n`);
  else io.stdout.write(columns([["PRODUCT", "NAME", "GEOS", "REQUIREMENTS"], ...products.map((p) => [p.product, p.name, p.geos.join(",") || "-", String(p.requirements)])]));
  return 0;
}

function show(io: CliIO, c: Catalog, json: boolean): number {
  if (json) {
    io.stdout.write(`${JSON.stringify(c, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(`${c.name} (${c.product}) — source ${c.source.file}${c.geos.length ? `, geos ${c.geos.join(", ")}` : ""}\n`);
  for (const component of c.components) {
    io.stdout.write(`\n${component.name}\n`);
    const rows = component.requirements.map((r) => [
      r.id,
      r.destination,
      r.portEnd !== undefined ? `${r.port}-${r.portEnd}` : String(r.port ?? (r.portKey ? `${r.portKey}${r.portDefault ? `=${r.portDefault}` : ""}` : "-")),
      r.protocol,
      r.direction,
      r.condition ? `${r.level}: ${r.condition}` : r.level,
      r.geos?.join(",") ?? "all",
      `line ${r.source.line}`,
    ]);
    io.stdout.write(columns([["ID", "DESTINATION", "PORT", "PROTO", "DIRECTION", "LEVEL", "GEOS", "SOURCE"], ...rows]));
  }
  return 0;
}

async function diff(io: CliIO, oldRef: string, newRef: string, json: boolean): Promise<number> {
  const [before, after] = [await load(io, oldRef), await load(io, newRef)];
  const result = diffCatalogs(before, after);
  if (json) io.stdout.write(`${JSON.stringify({ equal: isUnchanged(result), ...result }, null, 2)}\n`);
  else io.stdout.write(isUnchanged(result) ? "no changes\n" : `${formatDiff(result).join("\n")}\n`);
  return isUnchanged(result) ? 0 : 1;
}
