import { BUILTIN_PRODUCTS, getCatalog } from "@probemesh/core/catalog";
import { describe, expect, it } from "vitest";
import { DEFAULT_LAB_GEOS, labPlan } from "./profile.js";

describe("labPlan", () => {
  it("plans all five built-in products, one row per catalog requirement and planned geography", () => {
    const { checks, rows } = labPlan();
    expect(new Set(checks.map((c) => c.product))).toEqual(new Set(BUILTIN_PRODUCTS));
    const expected = BUILTIN_PRODUCTS.flatMap((product) => {
      const catalog = getCatalog(product);
      const geos = catalog.geos.length > 0 ? DEFAULT_LAB_GEOS[product]! : [undefined];
      return geos.flatMap((geo) => catalog.components.flatMap((c) => c.requirements.map((r) => `${product}/${r.id} ${geo ?? "-"}`)));
    });
    expect(rows.map((row) => `${row.requirementId} ${row.geo ?? "-"}`).sort()).toEqual(expected.sort());
    // Each row became checks or says why not; nothing waits for a value the lab forgot to give.
    for (const row of rows) expect(row.checkIds.length + row.skipped.length, row.requirementId).toBeGreaterThan(0);
    expect(rows.flatMap((row) => row.skipped).filter((reason) => reason.startsWith("needs "))).toEqual([]);
    expect(new Set(rows.flatMap((row) => row.checkIds))).toEqual(new Set(checks.map((c) => c.checkId)));
  });

  it("plans the vendor geographies it is given, each geography's rows once", () => {
    const { checks, rows } = labPlan({ "kong-konnect": ["au", "eu"], strongdm: ["uk"] });
    const targets = checks.map((c) => c.target);
    expect(targets).toEqual(expect.arrayContaining(["tls://au.api.konghq.com:443", "tls://eu.api.konghq.com:443", "tcp://app.uk.strongdm.com:443"]));
    expect(targets).not.toContain("tcp://app.strongdm.com:443");
    expect(new Set(rows.filter((r) => r.requirementId.startsWith("kong-konnect/")).map((r) => r.geo))).toEqual(new Set(["au", "eu"]));
    // A row both geographies share (cloud.konghq.com) is one check.
    expect(targets.filter((t) => t === "tls://cloud.konghq.com:443")).toHaveLength(1);
    expect(new Set(checks.map((c) => c.checkId)).size).toBe(checks.length);
  });
});
