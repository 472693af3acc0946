import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

/**
 * Runs infra/check.sh in its offline mode: the real SST platform sources (out of the sst
 * binary from npm) + the real @pulumi/aws and @pulumi/pulumi types, compiled with tsc.
 * No network: the only connection attempt is sst's provider lookup, sent to a closed
 * loopback port on purpose.
 */
const root = join(import.meta.dirname, "../..");
const scratch = mkdtempSync(join(tmpdir(), "probemesh-infra-test-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function check(project?: string) {
  const args = ["infra/check.sh", "--offline", ...(project ? [project] : [])];
  const run = spawnSync("bash", args, { cwd: root, encoding: "utf8", timeout: 90_000 });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** A copy of the project's infra with some edits, each `[file, from, to]`. */
function projectWith(name: string, edits: [string, string, string][]): string {
  const dir = join(scratch, name);
  cpSync(join(root, "sst.config.ts"), join(dir, "sst.config.ts"));
  cpSync(join(root, "infra"), join(dir, "infra"), { recursive: true });
  cpSync(join(root, "packages/core/src/store"), join(dir, "packages/core/src/store"), { recursive: true });
  cpSync(join(root, "packages/core/src/cost"), join(dir, "packages/core/src/cost"), { recursive: true });
  for (const [file, from, to] of edits) {
    const path = join(dir, file);
    const text = readFileSync(path, "utf8");
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  }
  return dir;
}

describe("npm run check:infra -- --offline", () => {
  it("type-checks sst.config.ts and infra/ against SST's platform types", { timeout: 90_000 }, () => {
    const { status, output } = check();
    expect(output).toMatch(/check:infra: sst\.config\.ts and infra\/ type-check against the sst 4\.\d+\.\d+ platform types/);
    expect(status).toBe(0);
  });

  // One tsc run for three independent mistakes keeps the suite fast; each must be reported.
  it("fails on misspelt or mistyped resource properties, naming file, property and type", { timeout: 90_000 }, () => {
    const dir = projectWith("mistakes", [
      // an SST component argument
      ["infra/schedule.ts", "retries: 0,", "retrys: 0,"],
      // a raw @pulumi/aws resource argument (DynamoDB TableArgs, via transform)
      ["infra/storage.ts", "pointInTimeRecovery: { enabled", "pointInTimeRecovry: { enabled"],
      // a value of the wrong type: sizes are "<n> MB" / "<n> GB"
      ["infra/api.ts", 'memory: "512 MB"', 'memory: "512 MiB"'],
    ]);
    const { status, output } = check(dir);
    expect(status).toBe(1);
    expect(output).toMatch(/infra\/schedule\.ts\(\d+,\d+\): error TS2353: .*'retrys' does not exist in type 'CronV2Args'/);
    expect(output).toMatch(/infra\/storage\.ts\(\d+,\d+\): error TS\d+: .*pointInTimeRecovry/);
    expect(output).toMatch(/infra\/api\.ts\(\d+,\d+\): error TS2322: .*"512 MiB"/);
    expect(output).toMatch(/check:infra: type errors in sst\.config\.ts \/ infra\//);
  });
});
