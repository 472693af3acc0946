/**
 * `npm start`'s drift watch: the local mesh started with a profile that watches a loopback vendor
 * page checks it at once and again every PROBEMESH_WATCH_INTERVAL_S, and GET /v1/drift follows.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMesh } from "@probemesh/functions/mesh";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedsDir } from "../../packages/core/src/catalog/builtin-sources.js";

const seeds = seedsDir();
const SEED = seeds ? readFileSync(join(seeds, "002_851f36d376a74170.txt"), "utf8") : "";
/** The vendor drops the first login.strongdm.com row (the US tab). */
const CHANGED = SEED.replace(/^\| login\.strongdm\.com .*\n/m, "");

interface DriftBody {
  sources: { product: string; changed: boolean; checkedAt: string; removed: { id: string }[]; error?: string }[];
}

describe.runIf(seeds !== undefined || process.env.CI)("drift watch inside npm start", () => {
  let page = SEED;
  const vendor = createServer((_req, res) => void res.writeHead(200, { "content-type": "text/markdown" }).end(page));
  let mesh: Awaited<ReturnType<typeof startMesh>>;

  beforeAll(async () => {
    await new Promise<void>((resolve) => vendor.listen(0, "127.0.0.1", resolve));
    const port = (vendor.address() as AddressInfo).port;
    const dir = mkdtempSync(join(tmpdir(), "probemesh-watch-"));
    const profile = join(dir, "profile.yaml");
    writeFileSync(profile, `targets: ["tcp://127.0.0.1:${port}"]\nwatch:\n  - product: strongdm\n    url: "http://127.0.0.1:${port}/ports.md"\n`);
    mesh = await startMesh({
      env: { ...process.env, PROBEMESH_PROFILE: profile, PROBEMESH_WATCH_INTERVAL_S: "10", PROBEMESH_INTERVAL_S: "3600", PROBEMESH_GUARD_ALLOW: "vendor=127.0.0.1/32", PROBEMESH_GUARD_PORTS: String(port) },
      port: 0,
      inMemory: true,
      web: false,
      regions: ["us-east-1"],
      log: () => {},
    });
    // The vendor's host names appear only in the watched page, never as checks that could be probed.
    expect(mesh.checks.map((check) => check.target)).toEqual([`tcp://127.0.0.1:${port}`]);
  }, 120_000);

  afterAll(async () => {
    await mesh?.stop();
    await new Promise((resolve) => vendor.close(resolve));
  });

  /** Polls GET /v1/drift until `ready` holds (each check is a real request; no fixed sleep). */
  async function driftUntil(ready: (body: DriftBody) => boolean, timeoutMs: number): Promise<DriftBody> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const body = (await (await fetch(`${mesh.url}/v1/drift`)).json()) as DriftBody;
      if (ready(body)) return body;
      if (Date.now() > deadline) throw new Error(`GET /v1/drift never matched: ${JSON.stringify(body).slice(0, 300)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  it("checks the page at start, then sees the vendor's change on a later interval", async () => {
    const first = await driftUntil((b) => b.sources.length === 1, 30_000);
    expect(first.sources[0]).toMatchObject({ product: "strongdm", changed: false, removed: [] });
    expect(first.sources[0]!.error).toBeUndefined();
    page = CHANGED;
    const later = await driftUntil((b) => b.sources[0]!.checkedAt !== first.sources[0]!.checkedAt, 30_000);
    expect(later.sources[0]).toMatchObject({ product: "strongdm", changed: true, removed: [{ id: "client.login-strongdm-com.443@us" }] });
  }, 90_000);
});
