import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { buildMeshBundles, bundleHandler } from "../../packages/functions/src/mesh/bundle.js";

/** The bundles the mesh runs are the deploy artifacts: one ESM file each, and the probe bundle carries only the probe path. */
describe("handler bundles", () => {
  it("the probe bundle holds no chat-ops, API or Hono code and loads as an ES module exporting handler", async () => {
    const out = mkdtempSync(join(tmpdir(), "pm-bundle-"));
    const { probe, invokeHost } = await buildMeshBundles(out);
    const inputs = Object.keys(probe.metafile.inputs);
    expect(inputs.some((file) => file.includes("packages/functions/src/probe/"))).toBe(true);
    expect(inputs.filter((file) => /chatops\/|functions\/src\/api\/|node_modules\/hono\//.test(file))).toEqual([]);
    expect(Object.keys(invokeHost.metafile.inputs).filter((file) => file.includes("node_modules/hono/"))).toEqual([]);
    const loaded = (await import(pathToFileURL(probe.file).href)) as { handler: unknown };
    expect(typeof loaded.handler).toBe("function");
    expect(probe.bytes).toBeGreaterThan(10_000);
  });

  it("the API bundle is self-contained too (built the same way SST builds it)", async () => {
    const out = mkdtempSync(join(tmpdir(), "pm-bundle-"));
    const api = await bundleHandler(new URL("../../packages/functions/src/handlers/api.ts", import.meta.url).pathname, "api", out);
    expect(Object.keys(api.metafile.inputs).some((file) => file.includes("node_modules/hono/"))).toBe(true);
    const loaded = (await import(pathToFileURL(api.file).href)) as { handler: unknown };
    expect(typeof loaded.handler).toBe("function");
  });
});
