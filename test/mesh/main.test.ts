import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "probemesh-main-"));

/** `npm start`'s entry point as a child process, with its output collected. */
function startMain(): { child: ChildProcess; output: () => string; waitFor: (pattern: RegExp) => Promise<RegExpMatchArray> } {
  const child = spawn(process.execPath, ["--import", "tsx", "packages/functions/src/mesh/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, PORT: "0", PROBEMESH_DATA_DIR: dataDir, PROBEMESH_INTERVAL_S: "3600" },
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
});
