import { readFileSync } from "node:fs";
import { parseTarget } from "@probemesh/core/target";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_REGIONS } from "../../packages/functions/src/config/index.js";
import { faultHits, LAB_FAULTS, LAB_UNJUDGED, labFaultTable, type DocumentedFault } from "../../packages/functions/src/lab/faults.js";
import { startMesh, type Mesh } from "../../packages/functions/src/mesh/index.js";

/**
 * The lab's regional picture is exactly its documented faults (LAB_FAULTS, which the README's
 * table is rendered from): the real mesh runs two rounds (the fail threshold) and GET /v1/status
 * says `up` for every check no fault hits, whatever vendor geographies are planned.
 */

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const REGIONS = [...DEFAULT_REGIONS];

type StatusView = { checks: Array<{ checkId: string; label: string; verdict: string; regions: Record<string, string> }> };
type ChecksView = { checks: Array<{ checkId: string; regions: Record<string, { outcome: string }> }> };

it("the README's fault table is the documented fault list", () => {
  expect(README).toContain(labFaultTable(REGIONS));
});

describe.each([
  ["the default geographies", {} as Record<string, string>, ["eu.api.konghq.com", "app.strongdm.com"]],
  ["PROBEMESH_LAB_GEOS=kong-konnect=au,eu;strongdm=uk", { PROBEMESH_LAB_GEOS: "kong-konnect=au,eu;strongdm=uk" }, ["au.api.konghq.com", "eu.api.konghq.com", "app.uk.strongdm.com"]],
])("the lab's verdicts with %s are its documented faults, nothing else", (_name, env, vendorHosts) => {
  let mesh: Mesh;
  let status: StatusView;
  let checks: ChecksView;
  const logged: string[] = [];

  beforeAll(async () => {
    mesh = await startMesh({ env: { ...process.env, ...env }, port: 0, inMemory: true, autoStart: false, web: false, log: (line) => logged.push(line) });
    await mesh.runRound();
    await mesh.runRound();
    status = (await (await fetch(`${mesh.url}/v1/status`)).json()) as StatusView;
    checks = (await (await fetch(`${mesh.url}/v1/checks`)).json()) as ChecksView;
  });
  afterAll(async () => {
    await mesh?.stop();
  });

  /** The scheduled checks, plus the per-port results a range reports for each open port (`<checkId>-<port>`). */
  const targets = () => {
    const out = new Map(mesh.checks.map((check) => [check.checkId, check.target]));
    for (const { checkId } of status.checks) {
      if (out.has(checkId)) continue;
      const range = mesh.checks.find((check) => checkId.startsWith(`${check.checkId}-`) && /^tcp:\/\/[^/]+:\d+-\d+$/.test(check.target));
      expect(range, `${checkId} is a scheduled check or a port of a scheduled range`).toBeDefined();
      const port = Number(checkId.slice(range!.checkId.length + 1));
      const { host, port: first, portEnd } = parseTarget(range!.target) as { host: string; port: number; portEnd: number };
      expect(port >= first && port <= portEnd, checkId).toBe(true);
      out.set(checkId, `tcp://${host}:${port}`);
    }
    return out;
  };

  /** What the documentation says each check shows: verdict and per-region state. */
  const documented = () => {
    const expected: Record<string, { verdict: string; regions: Record<string, string> }> = {};
    const hitsOf = new Map<DocumentedFault, string[]>(LAB_FAULTS.map((fault) => [fault, []]));
    for (const [checkId, uri] of targets()) {
      const target = parseTarget(uri);
      const hits = LAB_FAULTS.filter(({ fault }) => faultHits(fault, target));
      expect(hits.length, `${uri} is hit by one documented fault at most`).toBeLessThanOrEqual(1);
      for (const hit of hits) hitsOf.get(hit)!.push(checkId);
      const faulted = hits.flatMap((hit) => hit.at.map((position) => REGIONS[position]!));
      const unjudged = target.kind === LAB_UNJUDGED.kind;
      expected[checkId] = {
        verdict: unjudged ? LAB_UNJUDGED.verdict : (hits[0]?.verdict ?? "up"),
        regions: Object.fromEntries(REGIONS.map((region) => [region, unjudged ? "unknown" : faulted.includes(region) ? "down" : "up"])),
      };
    }
    return { expected, hitsOf };
  };

  it("GET /v1/status: every check no fault hits is up; each hit check has its fault's verdict, down in the faulted regions only", () => {
    const { expected, hitsOf } = documented();
    const seen = Object.fromEntries(status.checks.map((c) => [c.checkId, { verdict: c.verdict, regions: c.regions }]));
    expect(seen).toEqual(expected);
    // Every failing fault shows somewhere, and the picture is not empty.
    for (const [fault, hit] of hitsOf) if (fault.outcome) expect(hit.length, JSON.stringify(fault.fault)).toBeGreaterThan(0);
    expect(status.checks.filter((c) => c.verdict === "up").length).toBeGreaterThan(100);
  });

  it("each hit check fails with its fault's documented outcome in the faulted regions", () => {
    const { hitsOf } = documented();
    const byId = new Map(checks.checks.map((c) => [c.checkId, c]));
    for (const [fault, ids] of hitsOf) {
      if (!fault.outcome) continue;
      for (const id of ids) {
        for (const position of fault.at) expect(byId.get(id)!.regions[REGIONS[position]!]!.outcome, id).toBe(fault.outcome);
      }
    }
  });

  it("plans and probes all five built-in products; every catalog row is probed or logged as skipped with the reason", () => {
    expect(new Set(mesh.checks.map((c) => c.product))).toEqual(new Set(["kong-konnect", "strongdm", "auth0-private-cloud", "auth0-appliance", "circleci-server"]));
    const hosts = new Set(mesh.checks.map((c) => parseTarget(c.target)).flatMap((t) => (t.kind === "dns" ? [] : [t.host])));
    for (const host of vendorHosts) expect(hosts, host).toContain(host);
    if (env.PROBEMESH_LAB_GEOS) expect(hosts).not.toContain("app.strongdm.com");
    const rows = mesh.lab!.rows;
    const probed = new Set(rows.flatMap((row) => row.checkIds));
    expect(new Set(mesh.checks.map((c) => c.checkId))).toEqual(probed);
    for (const row of rows.filter((r) => r.checkIds.length === 0)) {
      expect(row.skipped.length, row.requirementId).toBeGreaterThan(0);
      expect(logged.some((line) => line.startsWith(`lab skip   ${row.requirementId}`) && line.includes(row.skipped[0]!)), row.requirementId).toBe(true);
    }
  });
});
