import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

/** Every function deploys on the Node.js version CI also runs the suite on (.ci/run: Node 24). */
describe("infra: function runtime", () => {
  it("pins nodejs24.x on every function (sst.aws.Function and the cron's)", () => {
    const dir = join(import.meta.dirname, "../../infra");
    // infra/ runs inside SST (its globals), so it is read as source here, not imported.
    expect(readFileSync(join(dir, "environment.ts"), "utf8")).toContain('export const FUNCTION_RUNTIME = "nodejs24.x" as const;');
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(dir, f), "utf8"));
    const functions = sources.reduce((n, s) => n + (s.match(/handler: "packages\/functions\/src\/handlers\//g)?.length ?? 0), 0);
    const pinned = sources.reduce((n, s) => n + (s.match(/runtime: FUNCTION_RUNTIME,/g)?.length ?? 0), 0);
    expect(functions).toBeGreaterThanOrEqual(5);
    expect(pinned).toBe(functions);
  });

  it("gives every function the one architecture setting (arm64 unless PROBEMESH_LAMBDA_ARCH says otherwise)", () => {
    const dir = join(import.meta.dirname, "../../infra");
    expect(readFileSync(join(dir, "environment.ts"), "utf8")).toContain("export const FUNCTION_ARCHITECTURE = settings.lambdaArchitecture;");
    const sources = readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => readFileSync(join(dir, f), "utf8"));
    const functions = sources.reduce((n, s) => n + (s.match(/handler: "packages\/functions\/src\/handlers\//g)?.length ?? 0), 0);
    const placed = sources.reduce((n, s) => n + (s.match(/architecture: FUNCTION_ARCHITECTURE,/g)?.length ?? 0), 0);
    expect(functions).toBeGreaterThanOrEqual(5);
    expect(placed).toBe(functions);
  });
});
