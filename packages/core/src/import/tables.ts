import type { Direction, Protocol, Requirement, RequirementLevel } from "../catalog/schema.js";
import {
  cleanText,
  customerKey,
  findCondition,
  findDefaultPort,
  geoOfTab,
  parseDirectionCell,
  parseGeoCell,
  levelWithCondition,
  parseDestinationCells,
  type DestinationCell,
} from "./cells.js";
import { roleOf, type Role } from "./headers.js";
import { parsePortCell, parseProtocolCell, type PortSpec } from "./ports.js";
import type { Table } from "./page.js";
import type { Draft, Report } from "./draft.js";

/** Direction a table implies by its heading when it has no direction column. */
function directionOfHeading(heading: string): Direction | undefined {
  const h = heading.toLowerCase();
  if (/\bbetween\b|\binternal\b|node-to-node|intra|cluster nodes|peer/.test(h)) return "internal";
  if (/\binbound\b|\bingress\b/.test(h)) return "ingress";
  if (/\boutbound\b|\begress\b|allowlist|outgoing/.test(h)) return "egress";
  return undefined;
}

/** What a table's columns are, and what its heading implies, shared by its rows. */
interface TableContext {
  table: Table;
  roles: (Role | undefined)[];
  col: (role: Role) => number;
  hostCol: number;
  headingDirection: Direction | undefined;
  report: Report;
}

/** Reads one table's rows into requirement drafts, reporting what it cannot classify. */
export function draftsFromTable(table: Table, pageSaysTcp: boolean, report: Report): Draft[] {
  const roles = table.headers.map(roleOf);
  const col = (role: Role) => roles.indexOf(role);
  const hostCol = col("destination") >= 0 ? col("destination") : col("peer");
  if (col("port") < 0 && hostCol < 0) {
    report.unclassified.push({ line: table.line, text: table.headers.join(" | "), reason: "table has neither a host nor a port column; not imported" });
    return [];
  }
  table.headers.forEach((h, k) => {
    if (roles[k] === undefined && h.trim() !== "") report.unclassified.push({ line: table.line, text: h, reason: "column not recognised; ignored" });
  });
  const heading = cleanText(table.heading);
  const headingDirection = directionOfHeading(heading);
  if (col("direction") < 0 && !headingDirection) report.assumptions.push({ line: table.line, text: heading, reason: "no direction column or heading word: rows taken as egress" });
  if (col("protocol") < 0 && !pageSaysTcp) report.assumptions.push({ line: table.line, text: heading, reason: "no protocol column: rows taken as TCP unless the port cell says otherwise" });
  if (col("level") < 0) report.assumptions.push({ line: table.line, text: heading, reason: "no level column: rows taken as required unless a note states a condition" });
  if (col("port") < 0) report.unclassified.push({ line: table.line, text: heading, reason: "no port column: rows imported without a port (not probed until one is set)" });

  const ctx: TableContext = { table, roles, col, hostCol, headingDirection, report };
  const drafts: Draft[] = [];
  let component = heading || "General";
  table.rows.forEach((row, r) => {
    const componentCell = col("component") >= 0 ? cleanText(row.cells[col("component")] ?? "") : "";
    if (componentCell !== "") component = componentCell;
    for (const draft of draftsFromRow(ctx, row, r, component)) drafts.push(draft);
  });
  return drafts;
}

/** The words of one row, each classified; undefined when a word leaves the row out (reported). */
interface RowWords {
  geos?: string[];
  dests: (DestinationCell | undefined)[];
  portCell: ReturnType<typeof parsePortCell>;
  protocols: Protocol[];
  directions: Direction[];
  level: RequirementLevel;
  condition?: string;
}

function wordsOfRow(ctx: TableContext, row: Table["rows"][number]): RowWords | undefined {
  const { table, col, report } = ctx;
  const cell = (role: Role) => (col(role) >= 0 ? (row.cells[col(role)] ?? "") : "");
  const note = (why: string, text: string) => report.unclassified.push({ line: row.line, text: cleanText(text), reason: why });

  let geos: string[] | undefined = table.tab ? [geoOfTab(table.tab)] : undefined;
  if (col("geo") >= 0) {
    const g = parseGeoCell(cell("geo"));
    if (g === undefined) note("geography not understood", cell("geo"));
    else if (g !== "all") geos = g;
  }
  const dests: (DestinationCell | undefined)[] = ctx.hostCol >= 0 ? parseDestinationCells(row.cells[ctx.hostCol] ?? "") : [undefined];
  const portCell = col("port") >= 0 ? parsePortCell(cell("port")) : undefined;
  const icmpOnly = /^\s*icmp\s*$/i.test(cleanText(cell("protocol")));
  if (col("port") >= 0 && !portCell && !(icmpOnly && cleanText(cell("port")) === "")) {
    note(cleanText(cell("port")) === "" ? "no port given; imported without a port" : "port not understood; imported without a port", cell("port"));
  }
  if (portCell?.alternatives) report.assumptions.push({ line: row.line, text: cell("port"), reason: `alternatives "${portCell.alternatives}": each listed as conditional` });

  let protocols: Protocol[] = ["tcp"];
  if (col("protocol") >= 0 && cleanText(cell("protocol")) !== "") {
    const p = parseProtocolCell(cell("protocol"));
    if (!p) return void note("protocol not understood; row not imported", cell("protocol"));
    protocols = p;
  }
  if (portCell?.protocols) protocols = portCell.protocols;

  let directions: Direction[] = [ctx.headingDirection ?? "egress"];
  if (col("direction") >= 0 && cleanText(cell("direction")) === "") {
    report.assumptions.push({ line: row.line, text: "", reason: `empty direction cell: taken as ${directions[0]}` });
  } else if (col("direction") >= 0) {
    const d = parseDirectionCell(cell("direction"));
    const asProtocol = d ? undefined : parseProtocolCell(cell("direction"));
    if (d) directions = d;
    else if (asProtocol) protocols = asProtocol;
    else return void note("direction not understood; row not imported", cell("direction"));
  }

  const stated = levelWithCondition(cell("level"));
  let condition = findCondition([cell("notes"), cell("use"), cell("level")]) ?? stated?.condition;
  let level: RequirementLevel = stated?.level ?? "required";
  if (col("level") >= 0 && !stated && !condition) note("level not understood; taken as required", cell("level"));
  if (condition) level = "conditional";
  if (level === "conditional" && !condition) {
    condition = cleanText(cell("notes")) || "Conditional (the page does not say when)";
    report.assumptions.push({ line: row.line, text: cleanText(cell("level")), reason: `conditional without a stated condition: "${condition}"` });
  }
  return { ...(geos ? { geos } : {}), dests, portCell, protocols, directions, level, ...(condition ? { condition } : {}) };
}

/** One draft per destination × direction × port × protocol of a row. */
function draftsFromRow(ctx: TableContext, row: Table["rows"][number], r: number, component: string): Draft[] {
  const words = wordsOfRow(ctx, row);
  if (!words) return [];
  const { col, table, report } = ctx;
  const cell = (role: Role) => (col(role) >= 0 ? (row.cells[col(role)] ?? "") : "");
  const { geos, dests, portCell, protocols, directions, level, condition } = words;
  const source = { line: row.line, table: table.index, row: r + 1 };
  const texts = [cell("notes"), cell("use"), cell("level")];
  const userDefined = /port is user[- ]defined|user[- ]defined port|configurable port/i.test(texts.join(" "));
  const custom = portCell?.custom || userDefined;
  const first = dests[0];
  const ports: PortSpec[] = portCell?.ports.length ? portCell.ports : first?.port ? [{ port: first.port }] : [{}];
  if (first?.described?.startsWith("*.")) report.assumptions.push({ line: row.line, text: first.described, reason: `wildcard: the host to probe is the placeholder ${first.destination}` });
  const portDefault = custom ? (userDefined ? portCell?.ports[0]?.port : findDefaultPort(row.cells)) : undefined;
  const use = cleanText(cell("use"));
  const description = cleanText(cell("notes"));

  const drafts: Draft[] = [];
  for (const dest of dests) for (const direction of directions) {
    const { destination, peer } = endpoints(direction, dest, ctx.roles[ctx.hostCol], component, table.heading);
    const portKey = custom ? `${customerKey(dest?.kind === "loopback" ? (dest.described ?? "loopback") : destination)}-port` : undefined;
    for (const spec of custom ? [{}] : ports) {
      const either = alternativeOf(portCell?.alternatives, spec);
      const [specLevel, specCondition] = either && !condition ? (["conditional", either] as const) : [level, condition];
      for (const protocol of protocols) {
        const requirement: Omit<Requirement, "id" | "source"> = {
          destination,
          ...(peer ? { peer } : {}),
          ...(dest?.addresses ? { addresses: dest.addresses } : {}),
          ...(protocol === "icmp" ? {} : spec),
          ...(portKey && protocol !== "icmp" ? { portKey } : {}),
          ...(portDefault !== undefined && protocol !== "icmp" ? { portDefault } : {}),
          protocol,
          direction,
          level: specLevel,
          ...(specCondition ? { condition: specCondition } : {}),
          ...(geos ? { geos } : {}),
          ...(use ? { use } : {}),
          ...(description ? { description } : {}),
        };
        drafts.push({ component, requirement, source, bidirectional: directions.length > 1 });
      }
    }
  }
  return drafts;
}

/**
 * Which end a probe connects to. A "Destination" column names it; a host/peer column names the
 * remote side, so for inbound rows the destination is the component's own host (a customer host).
 */
function endpoints(direction: Direction, dest: DestinationCell | undefined, role: Role | undefined, component: string, heading: string): { destination: string; peer?: string } {
  if (!dest) return { destination: `<${customerKey(heading.replace(/\b(ports?|between)\b/gi, ""))}>` };
  if (direction === "ingress" && role === "peer") return { destination: `<${customerKey(component)}>`, peer: dest.described ?? dest.destination };
  return { destination: dest.destination };
}

/** "443 or 4443": each alternative port is needed only when it is the one in use. */
function alternativeOf(alternatives: string | undefined, spec: PortSpec): string | undefined {
  if (!alternatives || spec.port === undefined) return undefined;
  const options = alternatives.split(/\s+or\s+/).map(Number);
  return options.includes(spec.port) ? `Either ${alternatives}, whichever is in use` : undefined;
}
