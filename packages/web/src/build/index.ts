import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where {@link buildWeb} writes by default: `packages/web/dist`. */
export const DEFAULT_WEB_DIST = resolve(SRC, "..", "dist");

export interface BuildWebOptions {
  /**
   * API base URL written into `<meta name="probemesh-api">` for a static
   * deployment on another origin; empty (default) means the page's own origin.
   */
  apiUrl?: string;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Writes through a temporary name so a server reading the same dir never sees half a file. */
async function writeAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temp, contents);
  await rename(temp, path);
}

/**
 * Bundles the status page (TypeScript + CSS with uPlot) into `outDir` as
 * `index.html` plus content-hashed files under `assets/`, and returns the
 * absolute dist dir. Safe to call concurrently with the same `outDir`.
 */
export async function buildWeb(outDir: string = DEFAULT_WEB_DIST, options: BuildWebOptions = {}): Promise<string> {
  const dist = resolve(outDir);
  const assets = join(dist, "assets");
  const result = await build({
    entryPoints: { app: join(SRC, "app", "main.ts"), styles: join(SRC, "page", "styles.css") },
    bundle: true,
    minify: true,
    format: "esm",
    target: ["es2022", "chrome110", "firefox110", "safari16"],
    outdir: assets,
    entryNames: "[name]-[hash]",
    write: false,
    metafile: true,
    logLevel: "silent",
    legalComments: "none",
  });
  await mkdir(assets, { recursive: true });
  const produced = new Set<string>();
  for (const file of result.outputFiles) {
    produced.add(basename(file.path));
    await writeAtomic(file.path, file.contents);
  }
  const find = (ext: string) => {
    const file = result.outputFiles.find((f) => f.path.endsWith(ext));
    if (!file) throw new Error(`buildWeb: esbuild produced no ${ext} file`);
    return relative(dist, file.path).split("\\").join("/");
  };
  const template = await readFile(join(SRC, "page", "index.html"), "utf8");
  const html = template
    .replace("%API_BASE%", escapeAttribute(options.apiUrl ?? ""))
    .replace("%CSS%", find(".css"))
    .replace("%JS%", find(".js"));
  await writeAtomic(join(dist, "index.html"), html);
  for (const name of await readdir(assets)) {
    if (!produced.has(name) && !name.endsWith(".tmp")) await rm(join(assets, name), { force: true });
  }
  return dist;
}
