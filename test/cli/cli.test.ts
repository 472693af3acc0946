import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../packages/cli/src/index.js";
import { captureIO } from "./io.js";

async function run(argv: string[], options: Parameters<typeof captureIO>[0] = {}) {
  const c = captureIO(options);
  const code = await main(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

const oneLine = (text: string) => expect(text.trimEnd().split("\n")).toHaveLength(1);
const dir = mkdtempSync(join(tmpdir(), "probemesh-cli-"));

describe("probemesh catalog", () => {
  it("lists the five products (table and JSON)", async () => {
    const table = await run(["catalog", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^PRODUCT\s+NAME\s+GEOS\s+REQUIREMENTS/);
    const json = await run(["catalog", "list", "--json"]);
    expect(JSON.parse(json.stdout).map((p: { product: string }) => p.product)).toEqual(["auth0-private-cloud", "auth0-appliance", "strongdm", "circleci-server", "kong-konnect"]);
  });

  it("shows a product with source lines, and rejects an unknown one in one line (exit 2)", async () => {
    const show = await run(["catalog", "show", "kong-konnect"]);
    expect(show.stdout).toMatch(/CONTROL_PLANE_DNS_PREFIX\.eu\.cp0\.konghq\.com\s+443\s+tls\s+egress\s+required\s+eu\s+line 79/);
    const json = JSON.parse((await run(["catalog", "show", "strongdm", "--json"])).stdout);
    expect(json.product).toBe("strongdm");
    const bad = await run(["catalog", "show", "kong"]);
    expect(bad.code).toBe(2);
    oneLine(bad.stderr);
    expect(bad.stderr).toMatch(/unknown product "kong" \(valid: auth0-private-cloud, .*kong-konnect\)/);
  });

  it("diffs catalogs: exit 0 when equal, 1 with changes, 2 on bad input", async () => {
    expect((await run(["catalog", "diff", "kong-konnect", "kong-konnect"])).code).toBe(0);
    const changed = await run(["catalog", "diff", "auth0-appliance", "auth0-private-cloud", "--json"]);
    expect(changed.code).toBe(1);
    const d = JSON.parse(changed.stdout);
    expect(d.equal).toBe(false);
    expect(d.changed[0].changes).toContainEqual({ field: "level", old: "conditional", new: "required" });
    const oldPage = join(dir, "old.md");
    const newPage = join(dir, "new.md");
    writeFileSync(oldPage, "# V\n\n| Host | Port |\n|---|---|\n| a.example | 443 |\n| b.example | 22 |\n");
    writeFileSync(newPage, "# V\n\n| Host | Port |\n|---|---|\n| a.example | 8443 |\n| c.example | 22 |\n| d.example | 53 (UDP) |\n");
    const pages = await run(["catalog", "diff", oldPage, newPage]);
    expect(pages.code).toBe(1);
    expect(pages.stdout).toMatch(/^~ v\/v\.c-example\.22 {2}destination: b\.example → c\.example \(was v\.b-example\.22\)/m);
    expect(pages.stdout).toMatch(/^\+ v\/v\.d-example\.53-udp {2}udp d\.example:53 egress \(required\)/m);
    expect(pages.stdout).toMatch(/^~ v\/v\.a-example\.8443 {2}port: 443 → 8443/m);
    writeFileSync(join(dir, "broken.json"), "{ not json");
    for (const args of [["catalog", "diff", "kong-konnect", join(dir, "missing.json")], ["catalog", "diff", "kong-konnect", join(dir, "broken.json")], ["catalog", "diff", "one"]]) {
      const bad = await run(args);
      expect(bad.code, args.join(" ")).toBe(2);
      oneLine(bad.stderr);
    }
  });
});

describe("probemesh plan", () => {
  it("expands Kong EU with CONTROL_PLANE_DNS_PREFIX and reports needs", async () => {
    const r = await run(["plan", "--product", "kong-konnect", "--geo", "eu", "--set", "CONTROL_PLANE_DNS_PREFIX=dp1", "--json"]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.checks.map((c: { target: string }) => c.target)).toContain("tls://dp1.eu.cp0.konghq.com:443");
    expect(result.needs.map((n: { missing: string[] }) => n.missing).flat()).toContain("CONTROL_PLANE_ID");
    const human = await run(["plan", "--product", "kong-konnect", "--geo", "us"]);
    expect(human.stdout).toMatch(/^needs CONTROL_PLANE_ID: Kong Konnect/m);
  });

  it.each([
    [["plan", "--product", "nope"], /unknown product "nope" \(valid: auth0-private-cloud, auth0-appliance, strongdm, circleci-server, kong-konnect\)/],
    [["plan", "--product", "kong-konnect", "--geo", "uk"], /unknown geo "uk" for kong-konnect \(valid: au, eu, in, me, us\)/],
    [["plan", "--product", "kong-konnect", "--set", "novalue"], /--set expects KEY=VALUE/],
    [["plan", "--product", "kong-konnect", "--bogus"], /Unknown option '--bogus'/],
    [["plan"], /--product or --profile is required/],
  ])("exits 2 with one line: %j", async (argv, message) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe("");
  });

  it("plans an imported vendor page given with --catalog", async () => {
    const page = join(dir, "vendor.md");
    writeFileSync(page, "# Vendor Y\n\n{% tabs %}\n{% tab title=\"EU\" %}\n- `api.eu.y.example:443` — required, outbound\n{% endtab %}\n{% tab title=\"US\" %}\n- `api.us.y.example:443` — required, outbound\n{% endtab %}\n{% endtabs %}\n");
    const r = await run(["plan", "--catalog", page, "--geo", "eu", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks.map((c: { target: string }) => c.target)).toEqual(["tcp://api.eu.y.example:443"]);
    const bad = await run(["plan", "--catalog", page, "--geo", "au"]);
    expect([bad.code, bad.stderr]).toEqual([2, 'probemesh: unknown geo "au" for vendor-y (valid: eu, us)\n']);
  });

  it("reads a profile and names the bad field of a malformed one", async () => {
    writeFileSync(join(dir, "ok.yaml"), "products: [strongdm]\ngeo: eu\nhosts: { gateway: gw.internal }\n");
    const ok = await run(["plan", "--profile", "ok.yaml", "--json"], { cwd: dir });
    expect(JSON.parse(ok.stdout).checks.map((c: { target: string }) => c.target)).toContain("tcp://gw.internal:5000");
    writeFileSync(join(dir, "bad.yaml"), "products: [strongdm]\nintervalS: often\n");
    const bad = await run(["plan", "--profile", "bad.yaml"], { cwd: dir });
    expect(bad.code).toBe(2);
    oneLine(bad.stderr);
    expect(bad.stderr).toMatch(/bad\.yaml: intervalS:/);
  });
});

describe("probemesh import", () => {
  it("reads a page from stdin and prints a catalog; unclassified findings go to stderr", async () => {
    const page = "# Vendor X\n\n| Host | Port | Direction |\n|---|---|---|\n| api.x.example | 443 | Outbound |\n| files.x.example | sometimes | Outbound |\n";
    const r = await run(["import", "-"], { stdin: page });
    expect(r.code).toBe(0);
    const catalog = JSON.parse(r.stdout);
    expect(catalog.components[0].requirements[0]).toMatchObject({ destination: "api.x.example", port: 443, source: { file: "stdin", line: 5 } });
    expect(r.stderr).toMatch(/unclassified: line 6: port not understood; imported without a port: sometimes/);
    const json = JSON.parse((await run(["import", "-", "--json"], { stdin: page })).stdout);
    expect(json.unclassified).toEqual([{ line: 6, text: "sometimes", reason: "port not understood; imported without a port" }]);
  });

  it("exits 2 on an unreadable file or a page without requirements", async () => {
    const missing = await run(["import", join(dir, "nope.md")]);
    expect(missing.code).toBe(2);
    oneLine(missing.stderr);
    const empty = await run(["import", "-"], { stdin: "just text\n" });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no host or port requirement found/);
  });
});

describe("probemesh status (against a real HTTP server on loopback)", () => {
  let server: Server;
  let api: string;
  let reply: { status: number; body: unknown } = { status: 200, body: {} };
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(reply.status, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("prints the verdict per check and region", async () => {
    reply = {
      status: 200,
      body: {
        generatedAt: "2026-01-01T00:00:00.000Z",
        checks: [{ checkId: "abc", label: "Kong Konnect / cp0", product: "kong-konnect", component: "hostnames", verdict: "degraded", regions: { "eu-west-1": "pass", "us-east-1": "fail" } }],
        summary: { up: 0, degraded: 1, down: 0, unknown: 0 },
      },
    };
    const r = await run(["status", "--api", api]);
    expect(r.code).toBe(0);
    expect(seen.at(-1)).toBe("GET /v1/status");
    expect(r.stdout).toMatch(/0 up, 1 degraded, 0 down, 0 unknown/);
    expect(r.stdout).toMatch(/degraded\s+Kong Konnect \/ cp0\s+pass\s+fail/);
    const json = await run(["status", "--json"], { env: { PROBEMESH_API: api } });
    expect(JSON.parse(json.stdout).summary.degraded).toBe(1);
  });

  it("reports an API error, a bad body and an unreachable API in one line (exit 1), a bad URL with exit 2", async () => {
    reply = { status: 503, body: { error: { code: "unavailable", message: "store down" } } };
    const failed = await run(["status", "--api", api]);
    expect([failed.code, failed.stderr]).toEqual([1, `probemesh: ${api}/v1/status answered 503: store down\n`]);
    reply = { status: 200, body: { nope: true } };
    expect((await run(["status", "--api", api])).stderr).toMatch(/unexpected body/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await run(["status", "--api", `http://127.0.0.1:${port}`]);
    expect(down.code).toBe(1);
    expect(down.stderr).toBe(`probemesh: cannot reach http://127.0.0.1:${port} (ECONNREFUSED: connection refused: nothing listens there (is the API running?))\n`);
    const bad = await run(["status", "--api", "not a url"]);
    expect(bad.code).toBe(2);
    oneLine(bad.stderr);
  });
});

describe("dispatcher", () => {
  it("prints the package version for --version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../packages/cli/package.json", import.meta.url), "utf8")) as { version: string };
    for (const flag of ["--version", "-V"]) expect(await run([flag])).toEqual({ code: 0, stdout: `probemesh ${version}\n`, stderr: "" });
  });

  it("routes check to its command: bad target → exit 2 in one line, closed loopback port → exit 1", async () => {
    const bad = await run(["check", "not a target"]);
    expect(bad.code).toBe(2);
    oneLine(bad.stderr);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await run(["check", `tcp://127.0.0.1:${port}`, "--json", "--timeout", "2000"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/tcp_refused/);
  });

  it("prints help (exit 0) and rejects no/unknown command (exit 2, one line)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/probemesh <command>/);
    expect((await run(["plan", "--help"])).stdout).toMatch(/plan --product <id>/);
    for (const [command, own] of [["catalog", /catalog diff <old> <new>/], ["plan", /--set KEY=VALUE +a placeholder value/], ["check", /--junit <file> +also write a JUnit/], ["import", /--overrides <file>/], ["status", /--api <url> +the probemesh API/], ["cost", /--checks-per-minute <n>/]] as const) {
      for (const argv of [[command, "--help"], [command, "-h"], ["help", command]]) {
        const r = await run(argv);
        expect([r.code, r.stderr], argv.join(" ")).toEqual([0, ""]);
        expect(r.stdout, argv.join(" ")).toMatch(own);
        expect(r.stdout).toMatch(/^usage: probemesh /);
        expect(r.stdout).toMatch(/exit codes: /);
      }
    }
    for (const argv of [[], ["frobnicate"], ["toString"]]) {
      const r = await run(argv);
      expect(r.code).toBe(2);
      oneLine(r.stderr);
    }
  });
});
