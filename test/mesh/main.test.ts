import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { writeFileSync } from "node:fs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { afterAll, describe, expect, it } from "vitest";
import { rawCopies } from "../durability/raw-copies.js";

const ROOT = new URL("../../", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "probemesh-main-"));

/** `npm start`'s entry point as a child process, with its output collected. */
function startMain(extraEnv: Record<string, string> = {}): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/functions/src/mesh/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", PROBEMESH_DATA_DIR: dataDir, PROBEMESH_INTERVAL_S: "3600", PROBEMESH_API_TOKENS: "", ...extraEnv },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = output.match(pattern);
        if (match) {
          clearInterval(timer);
          resolve(match);
        } else if (child.exitCode !== null) {
          clearInterval(timer);
          reject(new Error(`main exited (${child.exitCode}) before ${pattern}:\n${output}`));
        }
      }, 50);
    });
  return { child, output: () => output, waitFor };
}

/** Every live descendant of `pid` with its command name, from /proc. */
function descendants(pid: number): Array<{ pid: number; comm: string }> {
  const parents = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parents.set(Number(entry), ppid);
      names.set(Number(entry), comm);
    } catch {
      // the process ended while we looked
    }
  }
  const found: Array<{ pid: number; comm: string }> = [];
  const walk = (parent: number) => {
    for (const [child, ppid] of parents) {
      if (ppid === parent) {
        found.push({ pid: child, comm: names.get(child)! });
        walk(child);
      }
    }
  };
  walk(pid);
  return found;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The processes of `tree` still alive after up to 5 s (children may take a moment to notice their parent is gone). */
async function survivors(tree: Array<{ pid: number; comm: string }>) {
  for (let i = 0; i < 50 && tree.some((p) => alive(p.pid)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return tree.filter((p) => alive(p.pid));
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", (code) => resolve(code))));

describe("npm start (mesh/main.ts) as a child process", () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("Ctrl-C stops everything (java included); the data survives a restart", async () => {
    const first = startMain();
    const [, url] = await first.waitFor(/status page and API on (http:\/\/127\.0\.0\.1:\d+)/);
    await first.waitFor(/first regional picture/);
    const tree = descendants(first.child.pid!);
    expect(tree.some((p) => p.comm === "java")).toBe(true);

    const status = await (await fetch(`${url}/v1/status`)).json();
    const checkId = status.checks[0].checkId as string;
    const before = await (await fetch(`${url}/v1/checks/${checkId}/history?bucket=raw`)).json();
    expect(before.series.length).toBe(3);
    // With the lab and no PROBEMESH_API_TOKENS, the printed token opens the on-demand form; another does not.
    const [, token] = first.output().match(/on-demand probe token: (lab-\S+)/)!;
    const { checks } = await (await fetch(`${url}/v1/checks`)).json();
    const probe = (bearer: string) =>
      fetch(`${url}/v1/probes`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ targets: [checks[0].target], regions: ["us-east-1"] }),
      });
    expect((await probe("not-the-token")).status).toBe(401);
    expect((await probe(token!)).status).toBe(202);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);

    first.child.kill("SIGINT");
    expect(await exited(first.child)).toBe(0);
    expect(first.output()).toContain("stopped");
    expect(await survivors(tree)).toEqual([]);

    const second = startMain();
    const [, url2] = await second.waitFor(/status page and API on (http:\/\/127\.0\.0\.1:\d+)/);
    const after = await (await fetch(`${url2}/v1/checks/${checkId}/history?bucket=raw`)).json();
    const starts = after.series.map((b: { start: string }) => b.start);
    for (const bucket of before.series) expect(starts).toContain(bucket.start);
    const tree2 = descendants(second.child.pid!);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
    expect(await survivors(tree2)).toEqual([]);
  }, 120_000);

  it("killed with SIGKILL mid-round, it leaves no process behind and restarts on the same data: nothing stored twice, nothing stored lost", async () => {
    const killDir = mkdtempSync(join(tmpdir(), "probemesh-kill-"));
    // Every check waits 1 s here, so a round is in flight for a while; requests tell when.
    let requests = 0;
    const slow = createServer((_req, res) => {
      requests += 1;
      setTimeout(() => res.end("ok"), 1000).unref();
    });
    await new Promise<void>((resolve) => slow.listen(0, "127.0.0.1", resolve));
    const port = (slow.address() as AddressInfo).port;
    writeFileSync(join(killDir, "profile.yaml"), `targets:\n${Array.from({ length: 6 }, (_, i) => `  - "http://127.0.0.1:${port}/${i}"`).join("\n")}\n`);
    const env = { PROBEMESH_PROFILE: join(killDir, "profile.yaml"), PROBEMESH_DATA_DIR: join(killDir, "data"), PROBEMESH_INTERVAL_S: "2" };
    try {
      const first = startMain(env);
      const [, url] = await first.waitFor(/status page and API on (http:\/\/127\.0\.0\.1:\d+)/);
      await first.waitFor(/round .*\n(.|\n)*round /);
      const status = (await (await fetch(`${url}/v1/status`)).json()) as { checks: Array<{ checkId: string }> };
      const checkId = status.checks[0]!.checkId;
      const before = (await (await fetch(`${url}/v1/checks/${checkId}/history?bucket=raw`)).json()) as { series: Array<{ start: string; region: string }> };
      expect(before.series.length).toBeGreaterThanOrEqual(6);
      // Mid-round: the next round's probes have reached the target and are waiting for it.
      const seen = requests;
      while (requests < seen + 3) await new Promise((resolve) => setTimeout(resolve, 20));
      const tree = descendants(first.child.pid!);
      expect(tree.filter((p) => p.comm === "java")).toHaveLength(1);
      first.child.kill("SIGKILL");
      await exited(first.child);
      expect(await survivors(tree)).toEqual([]);

      const second = startMain(env);
      const [, url2] = await second.waitFor(/status page and API on (http:\/\/127\.0\.0\.1:\d+)/);
      const [, dynamo] = await second.waitFor(/DynamoDB Local (http:\/\/127\.0\.0\.1:\d+)/);
      await second.waitFor(/first regional picture/);
      const after = (await (await fetch(`${url2}/v1/checks/${checkId}/history?bucket=raw`)).json()) as { series: Array<{ start: string; region: string }> };
      const keys = after.series.map((b) => `${b.region} ${b.start}`);
      for (const bucket of before.series) expect(keys).toContain(`${bucket.region} ${bucket.start}`);
      const client = new DynamoDBClient({ endpoint: dynamo, region: "us-east-1", credentials: { accessKeyId: "local", secretAccessKey: "local" } });
      const copies = await rawCopies(client, "probemesh", ["us-east-1", "eu-west-1", "ap-southeast-2"]);
      client.destroy();
      expect(copies.length).toBeGreaterThanOrEqual(before.series.length * 6);
      expect(new Set(copies).size).toBe(copies.length);
      const tree2 = descendants(second.child.pid!);
      second.child.kill("SIGTERM");
      expect(await exited(second.child)).toBe(0);
      expect(await survivors(tree2)).toEqual([]);
    } finally {
      slow.close();
      rmSync(killDir, { recursive: true, force: true });
    }
  }, 120_000);
});
