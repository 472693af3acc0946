import { describe, expect, it } from "vitest";
import { getCatalog, type Catalog } from "../catalog/index.js";
import { diffCatalogs, formatDiff, isUnchanged } from "./index.js";

const kong = () => structuredClone(getCatalog("kong-konnect")) as Catalog;
const reqs = (c: Catalog) => c.components.flatMap((k) => k.requirements);

describe("catalog diff", () => {
  it("finds nothing between equal catalogs", () => {
    expect(isUnchanged(diffCatalogs(kong(), kong()))).toBe(true);
  });

  it("reports added, removed and changed requirements with the changed fields", () => {
    const before = kong();
    const after = kong();
    const hostnames = after.components.find((c) => c.id === "hostnames")!;
    const cloud = hostnames.requirements.find((r) => r.id === "hostnames.cloud-konghq-com")!;
    cloud.port = 8443;
    const api = hostnames.requirements.find((r) => r.id === "hostnames.region-api-konghq-com")!;
    Object.assign(api, { level: "required" });
    delete api.condition;
    hostnames.requirements = hostnames.requirements.filter((r) => !r.id.includes("tp0"));
    hostnames.requirements.push({ ...cloud, id: "hostnames.new-api-lab-example", destination: "new-api.lab.example", port: 443 });

    const d = diffCatalogs(before, after);
    expect(d.added.map((a) => a.requirement.id)).toEqual(["hostnames.new-api-lab-example"]);
    expect(d.removed.map((r) => r.requirement.id)).toEqual(["hostnames.control-plane-id-region-tp0-konghq-com"]);
    expect(d.changed.map((c) => [c.newId, c.changes.map((x) => x.field)])).toEqual([
      ["hostnames.cloud-konghq-com", ["port"]],
      ["hostnames.region-api-konghq-com", ["level", "condition"]],
    ]);
    expect(formatDiff(d).join("\n")).toMatch(/~ hostnames\/hostnames\.cloud-konghq-com {2}port: 443 → 8443/);
  });

  it("pairs a requirement whose id moved with it (same destination, new port) as changed", () => {
    const before = kong();
    const after = kong();
    const mesh = reqs(after).find((r) => r.destination.includes("mesh"))!;
    mesh.id = "mesh-manager.geo-mesh-sync-konghq-com.8443";
    mesh.port = 8443;
    const d = diffCatalogs(before, after);
    expect(d.added).toEqual([]);
    expect(d.removed).toEqual([]);
    expect(d.changed[0]).toMatchObject({ oldId: "mesh-manager.geo-mesh-sync-konghq-com.443", changes: [{ field: "port", old: 443, new: 8443 }] });
  });
});
