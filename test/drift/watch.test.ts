/**
 * The drift watch end to end: a loopback HTTP server serves the Kong Konnect seed page, then a
 * changed copy; the watch job (the handler Lambda and the local mesh run) fetches it through the
 * SSRF guard, diffs it against the built-in catalog, stores it in DynamoDB Local, alerts a
 * loopback webhook once per change, and GET /v1/drift serves what it found.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { ensureTable } from "@probemesh/core/store";
import { seedsDir } from "../../packages/core/src/catalog/builtin-sources.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../packages/functions/src/api/app.js";
import { appDepsOf } from "../../packages/functions/src/api/deps.js";
import { loadSettings } from "../../packages/functions/src/config/index.js";
import { driftHandlerFor } from "../../packages/functions/src/handlers/drift.js";
import { createRuntime, type Runtime } from "../../packages/functions/src/runtime/index.js";
import { dynamoClient, dynamoEndpoint, uniqueTableName } from "../support/dynamo.js";

const seeds = seedsDir();
const SEED = seeds ? readFileSync(join(seeds, "004_2ac5298038447895.txt"), "utf8") : "";
/** The vendor's next version: 443 loses "HTTPS", 8071 loses UDP, a host is replaced by another. */
const CHANGED = SEED.replace("| `443`    | TCP <br>HTTPS |", "| `443`    | TCP |")
  .replace("| `8071`   | TCP <br> UDP |", "| `8071`   | TCP |")
  .replace(/^\| `global\.api\.konghq\.com` \|.*$/m, "| `events.konghq.com` | All | Event streaming for the geo. |");

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}

describe.runIf(seeds !== undefined || process.env.CI)("drift watch against a loopback vendor page", () => {
  let page = SEED;
  const vendor = createServer((req, res) => {
    if (req.url !== "/kong/network.md") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/markdown" }).end(page);
  });
  const alerts: unknown[] = [];
  const hook = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      alerts.push(JSON.parse(body));
      res.writeHead(200).end("ok");
    });
  });
  let runtime: Runtime;
  let watch: ReturnType<typeof driftHandlerFor>;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const [vendorPort, hookPort] = await Promise.all([listen(vendor), listen(hook)]);
    const tableName = uniqueTableName("drift");
    const client = dynamoClient();
    await ensureTable(client, tableName, { timeToLive: false });
    client.destroy();
    // No vendor products in the plan: the vendor's host names appear only in the page and the diff, never as checks.
    const profile = { targets: [`tcp://127.0.0.1:${vendorPort}`], watch: [{ product: "kong-konnect", url: `http://127.0.0.1:${vendorPort}/kong/network.md` }] };
    const settings = loadSettings({
      PROBEMESH_PROFILE_JSON: JSON.stringify(profile),
      PROBEMESH_TABLE: tableName,
      PROBEMESH_GUARD_ALLOW: "vendor-stand-in=127.0.0.1/32",
      PROBEMESH_GUARD_PORTS: String(vendorPort),
      PROBEMESH_WEBHOOK_HOSTS: `127.0.0.1:${hookPort}`,
      PROBEMESH_ALERT_WEBHOOK: `http://127.0.0.1:${hookPort}/drift`,
    });
    runtime = await createRuntime({ ...settings, dynamodbEndpoint: dynamoEndpoint() });
    expect(runtime.checks().map((check) => check.target)).toEqual([`tcp://127.0.0.1:${vendorPort}`]);
    watch = driftHandlerFor(async () => runtime);
    app = createApp(appDepsOf(runtime));
  });

  afterAll(async () => {
    runtime?.destroy();
    await Promise.all([vendor, hook].map((s) => new Promise((r) => s.close(r))));
  });

  const drift = async () => {
    const res = await app.request("/v1/drift");
    expect(res.status).toBe(200);
    return (await res.json()) as { sources: Record<string, unknown>[] };
  };

  it("the unchanged seed page is no drift, and nothing is alerted", async () => {
    const [source] = await watch();
    expect(source).toMatchObject({ product: "kong-konnect", changed: false, added: [], removed: [], modified: [] });
    expect(source!.error).toBeUndefined();
    expect((await drift()).sources).toEqual([expect.objectContaining({ product: "kong-konnect", changed: false, checkedAt: source!.checkedAt })]);
    expect(alerts).toEqual([]);
  });

  it("a changed page is stored, served by GET /v1/drift and alerted once", async () => {
    page = CHANGED;
    const [source] = await watch();
    const expected = {
      changed: true,
      added: [{ id: "hostnames.events-konghq-com", component: "hostnames", summary: "tls events.konghq.com:443 egress (required)" }],
      removed: [
        { id: "control-plane-ports.control-plane.8071-udp", component: "control-plane-ports", summary: "udp <control-plane>:8071 egress (required)" },
        { id: "hostnames.global-api-konghq-com", component: "hostnames", summary: "tls global.api.konghq.com:443 egress (required)" },
      ],
      modified: [{ id: "control-plane-ports.control-plane.443", component: "control-plane-ports", summary: "tcp <control-plane>:443 egress (required)", changes: [{ field: "protocol", old: "https", new: "tcp" }] }],
    };
    expect(source).toMatchObject(expected);
    expect((await drift()).sources).toEqual([{ product: "kong-konnect", url: source!.url, checkedAt: source!.checkedAt, ...expected }]);
    expect(alerts).toEqual([{ event: "catalog.drift", drift: expect.objectContaining({ product: "kong-konnect", ...expected }) }]);

    const [again] = await watch();
    expect(again).toMatchObject({ changed: true, fingerprint: source!.fingerprint });
    expect(alerts).toHaveLength(1);
  });

  it("a page that cannot be fetched is reported, not taken as a change", async () => {
    vendor.closeAllConnections();
    await new Promise((r) => vendor.close(r));
    const [source] = await watch();
    expect(source).toMatchObject({ changed: false });
    expect(source!.error).toMatch(/^127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect((await drift()).sources[0]).toMatchObject({ changed: false, error: source!.error });
    expect(alerts).toHaveLength(1);
  });
});
