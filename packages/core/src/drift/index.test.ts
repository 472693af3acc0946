import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCatalog } from "../catalog/index.js";
import { createGuard, DEFAULT_POLICY, LAB_POLICY } from "../guard/index.js";
import { driftOf, fetchWatchedPage, WatchFetchError } from "./index.js";

describe("fetchWatchedPage (a real loopback server)", () => {
  const server = createServer((req, res) => {
    if (req.url === "/moved") return void res.writeHead(302, { location: "http://elsewhere.example.com/" }).end();
    if (req.url === "/huge") {
      res.writeHead(200);
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      for (let k = 0; k < 6; k++) res.write(chunk);
      return void res.end();
    }
    res.writeHead(200, { "content-type": "text/markdown" }).end("| Host | Port |\n|---|---|\n| a.example.com | 443 |\n");
  });
  let base = "";
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  const lab = { watchedHosts: ["127.0.0.1"], guard: createGuard(LAB_POLICY) };

  it("fetches a page of a watched host the guard allows", async () => {
    expect(await fetchWatchedPage(`${base}/page.md`, lab)).toMatch(/a\.example\.com/);
  });

  it("refuses hosts outside the watch list, addresses the guard refuses, other schemes, redirects and oversize pages", async () => {
    await expect(fetchWatchedPage(`${base}/page.md`, { ...lab, watchedHosts: ["docs.example.com"] })).rejects.toThrow(new WatchFetchError("127.0.0.1 is not a host of the profile's watch list"));
    await expect(fetchWatchedPage(`${base}/page.md`, { ...lab, guard: createGuard(DEFAULT_POLICY) })).rejects.toThrow(/loopback range/);
    const resolvesToLoopback = { watchedHosts: ["docs.example.com"], guard: createGuard(DEFAULT_POLICY), resolve: async () => ["127.0.0.1"] };
    await expect(fetchWatchedPage("https://docs.example.com/page", resolvesToLoopback)).rejects.toThrow(/loopback range/);
    await expect(fetchWatchedPage("file:///etc/passwd", lab)).rejects.toThrow(/file:\/\/ pages are not fetched/);
    await expect(fetchWatchedPage(`${base}/moved`, lab)).rejects.toThrow(/answered HTTP 302 \(redirect to http:\/\/elsewhere\.example\.com\/ not followed\)/);
    await expect(fetchWatchedPage(`${base}/huge`, lab)).rejects.toThrow(/larger than the 5 MB input cap/);
  });
});

describe("driftOf", () => {
  it("the fingerprint is the same for the same change set and differs for another", () => {
    const catalog = getCatalog("strongdm");
    const same = driftOf({ product: "strongdm", url: "u" }, "| Host | Port |\n|---|---|\n| a.example.com | 443 |\n", catalog, { now: new Date("2026-01-01T00:00:00Z") });
    expect(same).toMatchObject({ changed: true, checkedAt: "2026-01-01T00:00:00.000Z" });
    expect(same.added).toHaveLength(1);
    expect(same.removed.length).toBeGreaterThan(10);
    const again = driftOf({ product: "strongdm", url: "u" }, "| Host | Port |\n|---|---|\n| a.example.com | 443 |\n", catalog, { now: new Date() });
    expect(again.fingerprint).toBe(same.fingerprint);
    const other = driftOf({ product: "strongdm", url: "u" }, "| Host | Port |\n|---|---|\n| b.example.com | 443 |\n", catalog, { now: new Date() });
    expect(other.fingerprint).not.toBe(same.fingerprint);
  });
});
