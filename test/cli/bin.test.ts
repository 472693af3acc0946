import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../packages/cli/bin/probemesh.js", import.meta.url));

/** Runs the real `probemesh` bin (node + tsx), as a user would. */
function probemesh(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env: { ...process.env, PROBEMESH_DEBUG: "" }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(stdin ?? "");
  });
}

describe("the real probemesh bin", () => {
  it("exit codes and one-line errors without stack traces", async () => {
    const [list, badProduct, badGeo, badFile, badArg] = await Promise.all([
      probemesh(["catalog", "list", "--json"]),
      probemesh(["plan", "--product", "nope"]),
      probemesh(["plan", "--product", "strongdm", "--geo", "au"]),
      probemesh(["import", "/nonexistent/page.md"]),
      probemesh(["catalog", "show"]),
    ]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toHaveLength(5);
    for (const [r, message] of [
      [badProduct, /^probemesh: unknown product "nope" \(valid: auth0-private-cloud, auth0-appliance, strongdm, circleci-server, kong-konnect\)\n$/],
      [badGeo, /^probemesh: unknown geo "au" for strongdm \(valid: eu, uk, us\)\n$/],
      [badFile, /^probemesh: \/nonexistent\/page\.md: cannot read \(ENOENT\)\n$/],
      [badArg, /^probemesh: usage: probemesh catalog/],
    ] as const) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe("");
    }
  });

  it("imports a page from stdin", async () => {
    const r = await probemesh(["import", "-", "--json"], "- `relay.example.net:7000/udp` — optional, outbound\n");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).catalog.components[0].requirements[0]).toMatchObject({ destination: "relay.example.net", port: 7000, protocol: "udp", level: "optional" });
  });

  it("import stops endless or binary input at the 5 MB cap: exit 2, one line", async () => {
    const fromUrandom = (args: string[], stdin: "urandom" | "ignore") =>
      new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
        const fd = stdin === "urandom" ? openSync("/dev/urandom", "r") : "ignore";
        const child = spawn(process.execPath, [BIN, ...args], { stdio: [fd, "pipe", "pipe"], env: { ...process.env, PROBEMESH_DEBUG: "" } });
        if (typeof fd === "number") closeSync(fd);
        let [stdout, stderr] = ["", ""];
        child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("close", (code) => resolve({ code, stderr, stdout }));
      });
    const dir = mkdtempSync(join(tmpdir(), "probemesh-cap-"));
    const binary = join(dir, "page.bin");
    writeFileSync(binary, randomBytes(64 * 1024));
    const [stdin, device, small] = await Promise.all([
      fromUrandom(["import", "-"], "urandom"),
      fromUrandom(["import", "/dev/urandom"], "ignore"),
      fromUrandom(["import", binary], "ignore"),
    ]);
    expect(stdin).toEqual({ code: 2, stdout: "", stderr: "probemesh: stdin: larger than the 5 MB input cap\n" });
    expect(device).toEqual({ code: 2, stdout: "", stderr: "probemesh: /dev/urandom: larger than the 5 MB input cap\n" });
    expect(small).toEqual({ code: 2, stdout: "", stderr: "probemesh: page.bin: binary data, not a text page\n" });
  });

  it("stays quiet when the reader closes the pipe early (| head)", async () => {
    const child = spawn(process.execPath, [BIN, "catalog", "show", "strongdm"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(stderr).toBe("");
    expect(code).toBe(0);
  });
});
