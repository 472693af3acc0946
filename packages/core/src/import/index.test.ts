import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCatalog, type Requirement } from "../catalog/schema.js";
import { plan } from "../plan/index.js";
import { importPage, ImportError, MAX_PAGE_BYTES, parseOverrides, applyOverrides } from "./index.js";

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
const imported = (name: string) => importPage(fixture(name), { file: name });
const all = (r: ReturnType<typeof importPage>): Requirement[] => r.catalog.components.flatMap((c) => c.requirements);
const byDest = (r: ReturnType<typeof importPage>, destination: string) => all(r).filter((q) => q.destination === destination);

describe("importer on pages it has never seen", () => {
  it("Markdown table with port/protocol cells, region column, placeholders, CIDR peer (acme-relay.md)", () => {
    const r = imported("acme-relay.md");
    expect(() => parseCatalog(r.catalog)).not.toThrow();
    expect(r.catalog).toMatchObject({ product: "acme-relay-network-requirements", geos: ["eu", "us"] });
    expect(byDest(r, "{region}.relay.acme.example")[0]).toMatchObject({ port: 443, protocol: "tcp", level: "required", geos: ["eu", "us"], source: { line: 9, table: 1, row: 1 } });
    expect(byDest(r, "TENANT_ID.ingest.acme.example")[0]).toMatchObject({ port: 8443 });
    expect(byDest(r, "203.0.113.10")[0]).toMatchObject({ port: 7000, portEnd: 7010, protocol: "udp", level: "optional" });
    expect(byDest(r, "<your-proxy>")[0]).toMatchObject({ port: 3128, level: "optional" });
    expect(all(r).find((q) => q.direction === "ingress")).toMatchObject({ peer: "198.51.100.0/24", port: 22, level: "conditional", condition: "Only if you enable remote support", source: { line: 23 } });
    expect(all(r).some((q) => q.destination.includes("not.a.table"))).toBe(false);
    expect(byDest(r, "support.acme.example")[0]).toMatchObject({ port: 2222, direction: "egress", level: "conditional", condition: "Only if you enable remote support", source: { line: 29, table: 3, row: 1 } });
  });

  it("reports what it could not classify instead of guessing (acme-relay.md)", () => {
    const r = imported("acme-relay.md");
    expect(r.unclassified).toEqual([
      { line: 7, text: "Owner", reason: "column not recognised; ignored" },
      { line: 12, text: "varies by plan", reason: "port not understood; imported without a port" },
    ]);
    const metrics = byDest(r, "metrics.acme.example")[0]!;
    expect(metrics.port).toBeUndefined();
    expect(plan({ catalogs: [r.catalog], product: r.catalog.product, geo: "eu" }).skipped).toContainEqual({
      requirementId: `${r.catalog.product}/${metrics.id}`,
      reason: "the page states no port",
    });
  });

  it("HTML table with <br> protocols, HTTPS, '123 (UDP)', a custom port with default, and a <dl> (globex-agent.html)", () => {
    const r = imported("globex-agent.html");
    expect(byDest(r, "api.globex.example")[0]).toMatchObject({ protocol: "https", level: "required", use: "Control & configuration", source: { line: 9 } });
    expect(byDest(r, "stun.globex.example").map((q) => q.protocol)).toEqual(["tcp", "udp"]);
    expect(byDest(r, "time.globex.example")[0]).toMatchObject({ port: 123, protocol: "udp", level: "conditional", condition: "Needed when the host has no NTP source" });
    expect(byDest(r, "<siem-collector>")[0]).toMatchObject({ portKey: "siem-collector-port", portDefault: 514, level: "optional" });
    expect(byDest(r, "dl-eu.globex.example")[0]).toMatchObject({ port: 443, protocol: "tls", level: "optional", source: { line: 23 } });
    expect(r.catalog.components.map((c) => c.name)).toEqual(["Globex Agent — firewall rules", "Regional download mirrors"]);
    expect(r.assumptions.map((a) => a.reason)).toContain("no direction column or heading word: rows taken as egress");
  });

  it("Markdown definition list of host:port, flagging a term without a port (initech-deflist.md)", () => {
    const r = imported("initech-deflist.md");
    expect(r.catalog.name).toBe("Initech Collector endpoints");
    expect(all(r).map((q) => [q.destination, q.port, q.protocol, q.level, q.source.line])).toEqual([
      ["collector.initech.example", 4317, "tls", "required", 7],
      ["updates.initech.example", 443, "tcp", "optional", 10],
    ]);
    expect(r.unclassified).toEqual([{ line: 13, text: "license.initech.example", reason: "host named without a port; not imported" }]);
  });

  it("bullet lists of host:port inside GitBook tabs, plus a flattened one-line table (umbrella-bullets.md)", () => {
    const r = imported("umbrella-bullets.md");
    expect(r.catalog.geos).toEqual(["eu", "us"]);
    expect(byDest(r, "syslog.eu.umbrella.example")[0]).toMatchObject({ port: 6514, level: "conditional", condition: "Only if you forward syslog", geos: ["eu"], source: { line: 8 } });
    expect(byDest(r, "ingest.us.umbrella.example")[0]).toMatchObject({ geos: ["us"], direction: "egress", level: "required" });
    expect(byDest(r, "dns.umbrella.example").map((q) => q.protocol)).toEqual(["tcp", "udp"]);
    expect(byDest(r, "ntp.umbrella.example")[0]).toMatchObject({ port: 123, protocol: "udp", source: { line: 18, row: 1 } });
    const us = plan({ catalogs: [r.catalog], product: r.catalog.product, geo: "us" });
    expect(us.checks.map((c) => c.target)).toEqual(expect.arrayContaining(["tcp://ingest.us.umbrella.example:443", "udp://ntp.umbrella.example:123"]));
    expect(us.checks.some((c) => c.target.includes(".eu."))).toBe(false);
  });

  it("gives the same ids on every run", () => {
    expect(all(imported("acme-relay.md")).map((q) => q.id)).toEqual(all(imported("acme-relay.md")).map((q) => q.id));
  });
});

describe("importer input errors", () => {
  it("refuses pages over the 5 MB cap and binary data, with one line", () => {
    expect(() => importPage("x".repeat(MAX_PAGE_BYTES + 1), { file: "big.md" })).toThrow(new ImportError("big.md: larger than the 5 MB input cap"));
    expect(() => importPage("é".repeat(MAX_PAGE_BYTES / 2 + 1), { file: "wide.md" })).toThrow(/larger than the 5 MB input cap/);
    expect(() => importPage("PK\u0003\u0004\u0000\u0000 host.example.com:443", { file: "a.zip" })).toThrow(new ImportError("a.zip: binary data, not a text page"));
  });

  it("reads a table of 130,000 rows without overflowing the stack", () => {
    const rows = Array.from({ length: 130_000 }, (_, k) => `| h${k}.example.com | 443 |`).join("\n");
    const { catalog } = importPage(`# Big\n\n| Host | Port |\n|---|---|\n${rows}\n`, { file: "big.md" });
    const requirements = catalog.components[0]!.requirements;
    expect(requirements).toHaveLength(130_000);
    expect(requirements[129_999]).toMatchObject({ destination: "h129999.example.com", port: 443, source: { line: 130_004 } });
  }, 120_000);

  it("rejects a page with no requirement", () => {
    expect(() => importPage("# Nothing here\n\nJust prose.", { file: "empty.md" })).toThrow(ImportError);
    expect(() => importPage("# Nothing\n\n| A | B |\n|---|---|\n| x | y |\n", { file: "t.md" })).toThrow(/no host or port requirement found \(1 tables read\)/);
  });

  it("rejects overrides without a reason and patches that match nothing", () => {
    expect(() => parseOverrides({ product: "x", name: "X", seed: "s", patches: [{ match: "a", set: { port: 1 }, why: "" }] })).toThrow(/patches\.0\.why/);
    const { catalog } = imported("initech-deflist.md");
    const overrides = parseOverrides({ product: "x", name: "X", seed: "s", patches: [{ match: "nothing.*", set: { port: 1 }, why: "because it is wrong" }] });
    expect(() => applyOverrides(catalog, overrides)).toThrow(/matches no requirement/);
  });
});
