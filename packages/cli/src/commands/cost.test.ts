import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../index.js";
import type { CliIO } from "../io.js";

const README = join(dirname(fileURLToPath(import.meta.url)), "../../../../README.md");
const START = "<!-- `probemesh cost` output";
const END = "<!-- end of `probemesh cost` output -->";
let dir: string;

async function cost(args: string[]) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const io: CliIO = { stdout, stderr, stdin: Readable.from([]), cwd: dir, env: {} };
  const code = await main(["cost", ...args], io);
  return { code, stdout: out, stderr: err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "probemesh-cost-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("probemesh cost", () => {
  it("prints exactly the README's cost table (regenerate the README with `npx probemesh cost`)", async () => {
    const readme = await readFile(README, "utf8");
    const from = readme.indexOf(START);
    const to = readme.indexOf(END);
    expect(from).toBeGreaterThan(-1);
    expect(to).toBeGreaterThan(from);
    const block = readme.slice(readme.indexOf("\n", from) + 1, to);
    const { code, stdout } = await cost([]);
    expect(code).toBe(0);
    expect(stdout).toBe(block);
  });

  it("itemises the default workload in --json, totals add up, arm64 unless asked otherwise", async () => {
    const arm = JSON.parse((await cost(["--json"])).stdout);
    expect(arm.checksPerMonth).toBe(100 * 3 * 43_200);
    expect(arm.workload.architecture).toBe("arm64");
    expect(arm.items.map((i: { item: string }) => i.item)).toEqual(["Lambda requests", "Lambda compute (arm64)", "DynamoDB writes", "DynamoDB reads", "DynamoDB storage", "EventBridge Scheduler", "CloudWatch Logs", "Region spool (SQS FIFO)"]);
    expect(arm.totalUsd).toBeCloseTo(arm.items.reduce((s: number, i: { usd: number }) => s + i.usd, 0), 10);
    const x86 = JSON.parse((await cost(["--json", "--arch", "x86_64"])).stdout);
    const compute = (e: { items: Array<{ item: string; usd: number }> }) => e.items.find((i) => i.item.startsWith("Lambda compute"))!.usd;
    expect(compute(arm) / compute(x86)).toBeCloseTo(0.8, 3);
  });

  it("prices a profile's plan: its checks, regions and interval", async () => {
    const profile = join(dir, "p.yaml");
    await writeFile(profile, "products: [kong-konnect]\ngeo: eu\nset: { CONTROL_PLANE_DNS_PREFIX: dp1 }\nregions: [eu-west-1, eu-central-1]\nintervalS: 300\n");
    const { code, stdout, stderr } = await cost(["--profile", profile, "--json"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const e = JSON.parse(stdout);
    expect(e.workload.regions).toBe(2);
    expect(e.workload.intervalS).toBe(300);
    expect(e.workload.checksPerRound).toBeGreaterThan(0);
    expect(e.roundsPerMonth).toBe(8640);
  });

  it("grows with checks, regions and a slower slowest check; warns past the functions' timeouts", async () => {
    const base = JSON.parse((await cost(["--json"])).stdout);
    for (const args of [["--checks-per-minute", "1000"], ["--regions", "6"], ["--slowest-check-ms", "5000"]]) {
      expect(JSON.parse((await cost(["--json", ...args])).stdout).totalUsd, args.join(" ")).toBeGreaterThan(base.totalUsd);
    }
    expect(base.warnings).toEqual([]);
    // 100,000 a minute fans out to invocations of ≤ 2,000 checks: none runs past its timeout.
    const huge = await cost(["--checks-per-minute", "100000", "--regions", "20", "--shards", "32"]);
    expect(huge.stdout).toMatch(/Fan-out: 50 probe invocations per region per round \(≤ 2000 checks each\) = 1,000 invocations a minute; peak 50 concurrent executions per region/);
    expect(huge.stdout).not.toMatch(/probe invocation would take/);
    const slow = await cost(["--checks-per-minute", "100000", "--slowest-check-ms", "60000"]);
    expect(slow.stdout).toMatch(/Warning: a probe invocation would take [\d,.]+ s, over the probe function's 55 s timeout/);
  });

  it.each([
    [["--interval", "90"], /--interval must be whole minutes/],
    [["--interval", "30"], /--interval must be a whole number from 60 to 86400/],
    [["--regions", "0"], /--regions must be a whole number from 1 to 50/],
    [["--checks-per-minute", "1e3"], /--checks-per-minute must be a whole number/],
    [["--arch", "riscv"], /--arch must be one of arm64, x86_64/],
    [["--profile", "p.yaml", "--checks-per-minute", "5"], /cannot be combined/],
    [["--bogus"], /Unknown option '--bogus'/],
    [["extra"], /unexpected argument "extra"/],
  ])("refuses %j in one line, exit 2", async (args, message) => {
    const { code, stdout, stderr } = await cost(args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});
