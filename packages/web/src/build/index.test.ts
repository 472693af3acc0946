import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { buildWeb } from "./index.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "probemesh-web-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("buildWeb", () => {
  it("writes index.html that points at hashed assets it produced, with uPlot bundled", async () => {
    const dist = await buildWeb(join(await tempDir(), "dist"));
    const html = await readFile(join(dist, "index.html"), "utf8");
    const refs = [...html.matchAll(/(?:href|src)="(assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toHaveLength(2);
    for (const ref of refs) expect(existsSync(join(dist, ref))).toBe(true);
    expect(html).toContain('<meta name="probemesh-api" content="" />');
    const css = await readFile(join(dist, refs.find((r) => r.endsWith(".css"))!), "utf8");
    expect(css).toContain(".uplot");
    const js = await readFile(join(dist, refs.find((r) => r.endsWith(".js"))!), "utf8");
    expect(js.length).toBeLessThan(150_000);
  });

  it("escapes the API URL into the meta tag and removes assets of older builds", async () => {
    const out = join(await tempDir(), "dist");
    await buildWeb(out);
    await writeFile(join(out, "assets", "app-OLDHASH.js"), "old");
    const dist = await buildWeb(out, { apiUrl: 'https://api.example.test/?a=1&b="2"' });
    expect(await readFile(join(dist, "index.html"), "utf8")).toContain('content="https://api.example.test/?a=1&amp;b=&quot;2&quot;"');
    expect(await readdir(join(dist, "assets"))).not.toContain("app-OLDHASH.js");
  });

  it("survives concurrent builds into the same directory", async () => {
    const out = join(await tempDir(), "dist");
    const results = await Promise.all([buildWeb(out), buildWeb(out), buildWeb(out)]);
    expect(new Set(results).size).toBe(1);
    const files = await readdir(join(out, "assets"));
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(files).toHaveLength(2);
  });

  it("bundles no server code: the API's types come in by `import type`, only hono/client ships", async () => {
    const { metafile } = await build({ entryPoints: [join(import.meta.dirname, "..", "app", "main.ts")], bundle: true, write: false, metafile: true, format: "esm", outdir: await tempDir(), logLevel: "silent" });
    const outside = Object.keys(metafile.inputs).filter((input) => !input.includes("packages/web/src/"));
    expect(outside.filter((input) => !/node_modules\/(hono\/dist\/(client|utils)\/|uplot\/)/.test(input))).toEqual([]);
    expect(outside.some((input) => input.includes("hono/dist/client/"))).toBe(true);
  });
});
