import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BUILTIN_PRODUCTS, CatalogError, getCatalog, listProducts, parseCatalog, UnknownProductError, type Requirement } from "./index.js";
import { seedsDir } from "./builtin-sources.js";

/**
 * A deliberately simple, independent row counter (not the importer): for every table in a seed
 * page it lists the data rows with their line numbers and, inside GitBook tabs, the tab title.
 */
interface CountedTable {
  rows: number[];
  tab?: string;
}

function countTables(text: string): CountedTable[] {
  const lines = text.split("\n");
  const tables: CountedTable[] = [];
  let tab: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const tabTitle = /\{% tab title="([^"]+)" %\}/.exec(line);
    if (tabTitle) tab = tabTitle[1];
    if (line.startsWith("<table")) {
      const rows: number[] = [];
      let inRow = false;
      let rowHasTd = false;
      for (; !lines[i]!.includes("</table>"); i++) {
        if (lines[i]!.includes("<tr")) [inRow, rowHasTd] = [true, false];
        if (inRow && !rowHasTd && lines[i]!.includes("<td")) {
          rows.push(i + 1);
          rowHasTd = true;
        }
      }
      tables.push({ rows });
    } else if (line.startsWith("|") && /\| (TCP|UDP) \|.*\| (TCP|UDP) \|/.test(line)) {
      const protocolCells = line.match(/\| (TCP|UDP) \|/g) ?? [];
      tables.push({ rows: protocolCells.map(() => i + 1) });
    } else if (line.startsWith("|")) {
      const rows: number[] = [];
      for (i++; i < lines.length && lines[i]!.trim().startsWith("|"); i++) {
        const row = lines[i]!.trim();
        if (/^\|[\s:|-]+\|$/.test(row) || /^\|\s*\{%/.test(row)) continue;
        rows.push(i + 1);
      }
      tables.push({ rows, ...(tab ? { tab } : {}) });
    }
  }
  return tables;
}

const seeds = seedsDir();
const SEED_OF: Record<string, string> = Object.fromEntries(BUILTIN_PRODUCTS.map((p) => [p, getCatalog(p).source.file]));
const requirementsOf = (product: string): Requirement[] => getCatalog(product).components.flatMap((c) => c.requirements);

describe("built-in catalogs", () => {
  it("has the five products, each valid against the schema", () => {
    expect(listProducts().map((p) => p.product)).toEqual(["auth0-private-cloud", "auth0-appliance", "strongdm", "circleci-server", "kong-konnect"]);
    for (const p of BUILTIN_PRODUCTS) expect(() => parseCatalog(getCatalog(p))).not.toThrow();
  });

  it("throws an error listing the valid products for an unknown id", () => {
    expect(() => getCatalog("nope")).toThrow(UnknownProductError);
    expect(() => getCatalog("nope")).toThrow(/valid: auth0-private-cloud, auth0-appliance, strongdm, circleci-server, kong-konnect/);
  });

  it("rejects invalid catalog data with the path of the bad field", () => {
    const bad = structuredClone(getCatalog("kong-konnect")) as unknown as { components: { requirements: { port: unknown }[] }[] };
    bad.components[0]!.requirements[0]!.port = 70000;
    expect(() => parseCatalog(bad)).toThrow(CatalogError);
    expect(() => parseCatalog(bad)).toThrow(/components\.0\.requirements\.0\.port/);
  });

  it("never has a conditional level without its condition text", () => {
    for (const p of BUILTIN_PRODUCTS) {
      for (const r of requirementsOf(p)) expect(r.level === "conditional", `${p} ${r.id}`).toBe(r.condition !== undefined);
    }
  });
});

describe.runIf(seeds !== undefined || process.env.CI)("every seed table row is represented", () => {
  for (const product of BUILTIN_PRODUCTS) {
    it(`${product}: each counted row has a requirement with its table, row, line (and tab geography)`, () => {
      expect(seeds, "seed pages not found (set PROBEMESH_SEEDS)").toBeDefined();
      const text = readFileSync(join(seeds!, SEED_OF[product]!), "utf8");
      const tables = countTables(text);
      const requirements = requirementsOf(product);
      tables.forEach((table, t) => {
        table.rows.forEach((line, r) => {
          const matches = requirements.filter((q) => q.source.table === t + 1 && q.source.row === r + 1);
          expect(matches.length, `${product} table ${t + 1} row ${r + 1} (line ${line})`).toBeGreaterThan(0);
          for (const q of matches) {
            expect(q.source.line).toBe(line);
            if (table.tab) expect(q.geos).toEqual([table.tab.toLowerCase()]);
          }
        });
      });
      const counted = tables.reduce((n, t) => n + t.rows.length, 0);
      const represented = new Set(requirements.filter((q) => q.source.table !== undefined).map((q) => `${q.source.table}/${q.source.row}`));
      expect(represented.size).toBe(counted);
    });
  }

  it("counts the rows the seed README describes", () => {
    const counts = Object.fromEntries(BUILTIN_PRODUCTS.map((p) => [p, countTables(readFileSync(join(seeds!, SEED_OF[p]!), "utf8")).map((t) => t.rows.length)]));
    expect(counts).toEqual({
      "auth0-private-cloud": [9, 12],
      "auth0-appliance": [7, 8],
      strongdm: [9, 9, 9, 7, 7, 7, 8, 8, 8, 1, 1, 1, 1, 1, 1],
      "circleci-server": [51],
      "kong-konnect": [2, 7],
    });
  });
});

describe("what the pages say", () => {
  const find = (product: string, pred: (r: Requirement) => boolean) => requirementsOf(product).filter(pred);

  it("keeps node-to-node ports internal, with ICMP and the 9300-9400 range (Auth0 Private Cloud)", () => {
    const internal = find("auth0-private-cloud", (r) => r.direction === "internal");
    expect(internal.map((r) => r.port ?? r.protocol)).toEqual([27017, 7777, 9001, 8721, 8701, 9200, 9300, 3000, 22, "icmp"]);
    expect(internal.find((r) => r.port === 9300)?.portEnd).toBe(9400);
    expect(internal.every((r) => r.destination === "<node>")).toBe(true);
  });

  it("splits the load balancer's 80/(443 or 4443): 80 required, the alternatives conditional", () => {
    const lb = find("auth0-private-cloud", (r) => r.peer?.startsWith("Your load balancer") === true);
    expect(lb.map((r) => [r.port, r.level, r.condition])).toEqual([
      [80, "required", undefined],
      [443, "conditional", "Either 443 or 4443, whichever is in use"],
      [4443, "conditional", "Either 443 or 4443, whichever is in use"],
    ]);
  });

  it("records conditions in the page's words", () => {
    const cdn = find("auth0-appliance", (r) => r.destination === "cdn.auth0.com")[0]!;
    expect(cdn.level).toBe("conditional");
    expect(cdn.condition).toMatch(/6868 or earlier/);
    const postgres = find("circleci-server", (r) => r.destination === "<postgresql-servers>" && r.direction === "egress");
    expect(postgres[0]?.condition).toBe("Only if using externalised databases");
    expect(postgres[0]?.portDefault).toBe(5432);
    expect(find("circleci-server", (r) => r.port === 64535)[0]).toMatchObject({ portEnd: 65535, direction: "ingress", destination: "<nomad-clients>" });
  });

  it("keeps StrongDM's loopback ingress rows, UDP DNS fallback and per-tab hosts", () => {
    expect(find("strongdm", (r) => r.destination === "127.0.0.1" && r.port === 65220).map((r) => r.geos?.[0])).toEqual(["us", "uk", "eu"]);
    expect(find("strongdm", (r) => r.destination === "1.1.1.1")[0]).toMatchObject({ port: 53, protocol: "udp", level: "optional" });
    expect(find("strongdm", (r) => r.destination === "app.uk.strongdm.com").every((r) => r.geos?.[0] === "uk")).toBe(true);
    expect(getCatalog("strongdm")).toMatchObject({ geos: ["eu", "uk", "us"], defaultGeo: "us" });
  });

  it("has Kong's cp0 per geo (CONTROL_PLANE_DNS_PREFIX in EU) and mesh sync for au/eu/us/global", () => {
    expect(find("kong-konnect", (r) => r.destination.includes(".cp0.")).map((r) => [r.destination, r.geos])).toEqual([
      ["CONTROL_PLANE_ID.{region}.cp0.konghq.com", ["au", "in", "me", "us"]],
      ["CONTROL_PLANE_DNS_PREFIX.eu.cp0.konghq.com", ["eu"]],
    ]);
    const mesh = find("kong-konnect", (r) => r.destination === "{geo}.mesh.sync.konghq.com")[0]!;
    expect(mesh).toMatchObject({ port: 443, geos: ["au", "eu", "us", "global"], level: "conditional", source: { line: 85 } });
    expect(find("kong-konnect", (r) => r.port === 8071).map((r) => r.protocol)).toEqual(["tcp", "udp"]);
  });
});
