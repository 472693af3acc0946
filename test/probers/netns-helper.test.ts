import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assertNetnsAvailable, createNetns, unavailableReason } from "../support/netns.js";

assertNetnsAvailable();
const namespaces = () => execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
const hostRoutes = () => execFileSync("ip", ["-4", "route", "show", "table", "all"], { encoding: "utf8" });

describe("test/support/netns", () => {
  it("gives no reason to skip where namespaces can be made (root, iproute2, nftables)", () => {
    expect(unavailableReason()).toBeUndefined();
  });

  it("creates unique namespaces on distinct subnets and removes them with their routes", async () => {
    const [a, b] = await Promise.all([createNetns(), createNetns()]);
    try {
      expect(a.name).not.toBe(b.name);
      expect(a.subnet).not.toBe(b.subnet);
      expect(a.hostIf.length).toBeLessThanOrEqual(15);
      expect(namespaces()).toContain(a.name);
      expect(await a.exec("ip", ["-4", "-o", "addr", "show", "dev", a.nsIf])).toContain(`${a.nsAddress}/24`);
      await a.addHostRoute(["unreachable", `${a.subnet}.99/32`]);
      expect(hostRoutes()).toContain(`unreachable ${a.subnet}.99`);
    } finally {
      await a.destroy();
      await b.destroy();
      await a.destroy();
    }
    expect(namespaces()).not.toContain(a.name);
    expect(namespaces()).not.toContain(b.name);
    expect(hostRoutes()).not.toContain(`${a.subnet}.`);
    expect(existsSync(`/tmp/probemesh-netns/${a.name}.json`)).toBe(false);
  });

  it("removes what a dead process left behind", async () => {
    const orphan = "pmt-orphan-test";
    execFileSync("ip", ["netns", "add", orphan]);
    mkdirSync("/tmp/probemesh-netns", { recursive: true });
    // pid 2^22+1 is above Linux's pid_max, so this owner is certainly dead.
    writeFileSync(`/tmp/probemesh-netns/${orphan}.json`, JSON.stringify({ pid: 4194305, name: orphan, routes: [] }));
    const fresh = await createNetns();
    await fresh.destroy();
    expect(namespaces()).not.toContain(orphan);
  });
});
