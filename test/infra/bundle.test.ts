import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { builtinModules } from "node:module";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bundleHandler } from "../../packages/functions/src/mesh/bundle.js";

/**
 * The functions deploy on arm64 (infra/settings.ts, PROBEMESH_LAMBDA_ARCH). A bundle built on this
 * x86-64 machine loads there only if it is pure JavaScript: no `.node` addon among its inputs, no
 * addon loader (bindings, node-gyp-build, process.dlopen) or require of a `.node` file in its output,
 * and nothing left outside it but Node's own modules (which exist on every architecture).
 */
const root = join(import.meta.dirname, "../..");
const handlers = readdirSync(join(root, "packages/functions/src/handlers")).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"));
const out = mkdtempSync(join(tmpdir(), "probemesh-bundle-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/**
 * hono-openapi's schema conversion (@standard-community/standard-json) keeps an `import()` per
 * validation library, taken only for a schema of that library: for valibot's it never runs. These
 * packages are not installed, so they stay outside the bundle, as dynamic imports only.
 */
const OPTIONAL_CONVERTERS = new Set(["effect", "sury", "zod/v4/core", "zod-to-json-schema", "zod-openapi", "typebox", "arktype"]);

const NATIVE_LOADERS = [/process\.dlopen\s*\(/, /require\(\s*["'][^"']*\.node["']\s*\)/, /["']node-gyp-build["']/, /require\(\s*["']bindings["']\s*\)/, /["']node-pre-gyp["']|@mapbox\/node-pre-gyp/];

describe("function bundles are pure JavaScript (they load on arm64's runtime)", () => {
  it("finds the handlers", () => {
    expect(handlers).toEqual(expect.arrayContaining(["api.ts", "probe.ts", "scheduler.ts", "chatops.ts", "chatops-worker.ts"]));
  });

  it("the loader patterns catch how addons are loaded (bindings, node-gyp-build, a required .node file, dlopen)", () => {
    const samples = ['var b=require("bindings")("sqlite3")', 'module.exports=require("node-gyp-build")(__dirname)', 'const a=require("./build/Release/addon.node")', "process.dlopen(module,file)", 'require("@mapbox/node-pre-gyp")'];
    for (const sample of samples) expect(NATIVE_LOADERS.some((loader) => loader.test(sample)), sample).toBe(true);
  });

  it.each(handlers)("%s: no native addon in its inputs, no addon loader in its output, only node: builtins outside", { timeout: 60_000 }, async (handler) => {
    const built = await bundleHandler(join(root, "packages/functions/src/handlers", handler), basename(handler, ".ts"), out);
    const inputs = Object.keys(built.metafile.inputs);
    expect(inputs.length).toBeGreaterThan(10);
    expect(inputs.filter((input) => input.endsWith(".node"))).toEqual([]);
    const external = Object.values(built.metafile.outputs)
      .flatMap((output) => output.imports)
      .filter((imported) => imported.external);
    // CommonJS dependencies require Node's own modules (`fs`, `crypto`…) without the node: prefix.
    const foreign = external.filter(({ path }) => !path.startsWith("node:") && !builtinModules.includes(path));
    expect(foreign.filter(({ path, kind }) => !(kind === "dynamic-import" && OPTIONAL_CONVERTERS.has(path)))).toEqual([]);
    const code = readFileSync(built.file, "utf8");
    for (const loader of NATIVE_LOADERS) expect(code, String(loader)).not.toMatch(loader);
  });
});
