import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

/**
 * Builds a Lambda handler the way SST bundles it for `nodejs24.x`: one ESM file, every
 * dependency inlined, a `require` shim for CommonJS dependencies. The local mesh runs these
 * files (not the TypeScript source), so what it tests is what deploys.
 */

const HERE = dirname(fileURLToPath(import.meta.url));
/** packages/functions/src */
const SOURCE = resolve(HERE, "..");
const REPO = resolve(SOURCE, "../../..");

/** Where the mesh keeps its bundles (ignored by git). */
export const BUNDLE_DIR = join(REPO, ".build");

/** The bundles the local mesh runs: the probe handler and the Invoke API host around it. */
export const BUNDLES = {
  probe: join(SOURCE, "handlers/probe.ts"),
  invokeHost: join(SOURCE, "invoke/host.ts"),
} as const;

export interface BuiltBundle {
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** Bundles one entry to `outDir/<name>.mjs`, SST style. */
export async function bundleHandler(entry: string, name: string, outDir = BUNDLE_DIR): Promise<BuiltBundle> {
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${name}.mjs`);
  const result = await build({
    entryPoints: [entry],
    outfile: file,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    mainFields: ["module", "main"],
    metafile: true,
    minify: true,
    logLevel: "silent",
    banner: { js: 'import { createRequire as __pmRequire } from "node:module"; const require = __pmRequire(import.meta.url);' },
  });
  const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((out) => out.endsWith(`${name}.mjs`))!]!.bytes;
  return { file, bytes, metafile: result.metafile };
}

/** Builds every bundle the mesh needs; returns their files. */
export async function buildMeshBundles(outDir = BUNDLE_DIR): Promise<{ probe: BuiltBundle; invokeHost: BuiltBundle }> {
  const [probe, invokeHost] = await Promise.all([bundleHandler(BUNDLES.probe, "probe", outDir), bundleHandler(BUNDLES.invokeHost, "invoke-host", outDir)]);
  return { probe, invokeHost };
}
