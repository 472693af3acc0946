import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closedTcpPort, closedUdpPort, dnsResponder, tcpListener, udpSink, type Listening } from "@probemesh/core/probers/test-servers";
import { main } from "../index.js";
import { validateJUnit } from "../junit/xmllint.js";
import type { CliIO } from "../io.js";

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let open: Listening, sink: Listening, nxdomain: Listening;
let closedPort: number, closedUdp: number;

async function cli(args: string[], tty = false): Promise<Run> {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let out = "";
  let err = "";
  stdout.on("data", (chunk) => (out += chunk));
  stderr.on("data", (chunk) => (err += chunk));
  const io: CliIO = { stdout, stderr, stdin: Readable.from([]), cwd: dir, env: {} };
  const code = await main(["check", ...args], io);
  return { code, stdout: out, stderr: err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "probemesh-check-"));
  open = await tcpListener();
  sink = await udpSink();
  nxdomain = await dnsResponder({});
  closedPort = await closedTcpPort();
  closedUdp = await closedUdpPort();
});
afterAll(async () => {
  await Promise.all([open.close(), sink.close(), nxdomain.close()]);
  await rm(dir, { recursive: true, force: true });
});

describe("probemesh check", () => {
  it("exits 0 and prints an aligned table when every target passes", async () => {
    const run = await cli([`tcp://127.0.0.1:${open.port}`, "--timeout", "1000"]);
    expect(run.code).toBe(0);
    const [header, row, summary] = run.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^STATUS\s+OUTCOME\s+TARGET\s+TIME\s+DETAIL$/);
    expect(row).toMatch(new RegExp(`^PASS\\s+ok\\s+tcp://127\\.0\\.0\\.1:${open.port}\\s+\\d+ms\\s+127\\.0\\.0\\.1$`));
    expect(header!.indexOf("OUTCOME")).toBe(row!.indexOf("ok"));
    expect(summary).toBe("1 results: 1 pass, 0 fail, 0 inconclusive");
    expect(run.stderr).toBe("");
  });

  it("exits 1 when one fails, and --expect-blocked turns a closed port into a pass", async () => {
    const failing = await cli([`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closedPort}`]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/FAIL\s+tcp_refused/);
    const blocked = await cli([`tcp://127.0.0.1:${open.port}`, "--expect-blocked", `tcp://127.0.0.1:${closedPort}`]);
    expect(blocked.code).toBe(0);
    expect(blocked.stdout).toMatch(new RegExp(`PASS\\s+tcp_refused\\s+tcp://127\\.0\\.0\\.1:${closedPort}\\?expect=blocked`));
  });

  it("keeps udp silence inconclusive: exit 0 by default, 1 with --strict", async () => {
    const target = `udp://127.0.0.1:${sink.port}?payload=00`;
    const lenient = await cli([target, "--timeout", "300"]);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/INCONCLUSIVE\s+udp_no_reply/);
    expect(lenient.stdout).toContain("inconclusive is not a pass");
    expect((await cli([target, "--timeout", "300", "--strict"])).code).toBe(1);
  });

  it("writes JSON with results and a summary", async () => {
    const run = await cli([`tcp://127.0.0.1:${open.port}`, `udp://127.0.0.1:${closedUdp}`, "--json", "--concurrency", "1"]);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout) as { summary: Record<string, number>; results: { outcome: string; region: string }[] };
    expect(body.summary).toMatchObject({ results: 2, pass: 1, fail: 1, requiredFailed: 1 });
    expect(body.results.map((r) => r.outcome)).toEqual(["ok", "udp_closed"]);
    expect(body.results[0]!.region).toBe("local");
  });

  it("writes valid JUnit XML with failures, skips and escaped text", async () => {
    const file = "report.xml";
    const run = await cli([`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closedPort}`, `udp://127.0.0.1:${sink.port}?payload=3c26`, "--junit", file, "--timeout", "300"]);
    expect(run.code).toBe(1);
    const xml = await readFile(join(dir, file), "utf8");
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(await validateJUnit(xml)).toMatchObject({ valid: true });
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string; skipped: string; testcase: { name: string; failure?: { type: string }; skipped?: unknown }[] } };
    };
    expect(doc.testsuites).toMatchObject({ tests: "3", failures: "1" });
    expect(doc.testsuites.testsuite.skipped).toBe("1");
    const cases = doc.testsuites.testsuite.testcase;
    expect(cases.map((c) => c.name)).toEqual([`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closedPort}`, `udp://127.0.0.1:${sink.port}?payload=3c26`]);
    expect(cases[1]!.failure!.type).toBe("tcp_refused");
    expect(cases[2]!.skipped).toBeDefined();
  });

  it("checks the --junit path before probing anything: a missing directory is exit 2 in one line", async () => {
    let connections = 0;
    const counting = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => counting.listen(0, "127.0.0.1", resolve));
    const port = (counting.address() as AddressInfo).port;
    try {
      const missing = await cli([`tcp://127.0.0.1:${port}`, "--junit", "/nonexistent/dir/x.xml"]);
      expect(missing).toEqual({ code: 2, stdout: "", stderr: "probemesh: --junit /nonexistent/dir/x.xml: directory /nonexistent/dir does not exist\n" });
      const directory = await cli([`tcp://127.0.0.1:${port}`, "--junit", "."]);
      expect([directory.code, directory.stderr]).toEqual([2, "probemesh: --junit .: is a directory, not a file\n"]);
      await writeFile(join(dir, "plain-file"), "");
      const underFile = await cli([`tcp://127.0.0.1:${port}`, "--junit", "plain-file/x.xml"]);
      expect(underFile.code).toBe(2);
      expect(underFile.stderr).toMatch(/plain-file is not a directory/);
      // The command has returned: any probe would have connected by now.
      expect(connections).toBe(0);
    } finally {
      await new Promise<void>((resolve) => counting.close(() => resolve()));
    }
  });

  it("plans a product through a chosen resolver and never probes a placeholder", async () => {
    // The lab responder answers NXDOMAIN to everything: no vendor name is resolved or contacted.
    const run = await cli(["--product", "kong-konnect", "--geo", "us", "--resolver", `127.0.0.1:${nxdomain.port}`, "--timeout", "500"]);
    expect(run.code).toBe(1);
    const rows = run.stdout.split("\n").filter((line) => line.startsWith("FAIL") || line.startsWith("PASS"));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((line) => /^FAIL\s+dns_nxdomain\s/.test(line))).toBe(true);
    expect(run.stdout).toMatch(/^needs CONTROL_PLANE_ID: .*CONTROL_PLANE_ID\.\{region\}\.cp0\.konghq\.com/m);
    expect(rows.some((line) => /\{region\}|CONTROL_PLANE_ID/.test(line))).toBe(false);
  });

  it("takes targets from a profile", async () => {
    await writeFile(join(dir, "profile.yaml"), `targets:\n  - tcp://127.0.0.1:${open.port}\n  - tcp://127.0.0.1:${closedPort}?expect=blocked\n`);
    const run = await cli(["--profile", "profile.yaml", "--json"]);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { results: { status: string; expect?: string }[] };
    expect(body.results.map((r) => [r.status, r.expect ?? "reachable"])).toEqual([["pass", "reachable"], ["pass", "blocked"]]);
  });

  it("shows progress on a TTY only", async () => {
    const tty = await cli([`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closedPort}`], true);
    expect(tty.stderr).toMatch(/\r\x1b\[K\[1\/2\] /);
    expect(tty.stderr).toMatch(/\[2\/2\] /);
    expect(tty.stderr.endsWith("\r\x1b[K")).toBe(true);
    const piped = await cli([`tcp://127.0.0.1:${open.port}`, `tcp://127.0.0.1:${closedPort}`], false);
    expect(piped.stderr).toBe("");
  });

  it.each([
    [["tcp://nohost"], "tcp needs a port"],
    [["ftp://x:21"], "unknown scheme ftp"],
    [["--expect-blocked", "tcp://h:99999"], "outside 1-65535"],
    [[], "nothing to check"],
    [["tcp://h:1", "--timeout", "soon"], "--timeout must be a whole number"],
    [["tcp://h:1", "--concurrency", "0"], "--concurrency must be a whole number"],
    [["tcp://h:1", "--json", "--junit", "x.xml"], "cannot be combined"],
    [["tcp://h:1", "--bogus"], "Unknown option"],
    [["--geo", "eu"], "--geo and --set need --product"],
    [["--product", "nope"], 'unknown product "nope"'],
    [["--profile", "missing.yaml"], "missing.yaml"],
  ])("exits 2 with one line on stderr for %j", async (args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("rejects a malformed profile with exit 2 and one line", async () => {
    await writeFile(join(dir, "bad.yaml"), "targets: [not-a-uri]\nbogus: 1\n");
    const run = await cli(["--profile", "bad.yaml"]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});
