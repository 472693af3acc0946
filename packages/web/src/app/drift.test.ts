import { describe, expect, it } from "vitest";
import { driftNotices } from "./drift.js";

const base = { url: "https://docs.example.com/p.md", checkedAt: "2026-12-02T06:00:00.000Z", added: [], removed: [], modified: [] };

describe("driftNotices", () => {
  it("one notice per changed product, saying what changed; unchanged and failed checks say nothing", () => {
    const notices = driftNotices([
      { ...base, product: "kong-konnect", changed: true, added: [{ id: "a", component: "c", summary: "tls events.example.com:443 egress (required)" }], modified: [{ id: "m", component: "c", summary: "tcp <cp>:443 egress (required)", changes: [{ field: "protocol", old: "https", new: "tcp" }] }] },
      { ...base, product: "strongdm", changed: false },
      { ...base, product: "auth0-appliance", changed: false, error: "refused" },
    ]);
    expect(notices).toEqual([
      {
        product: "kong-konnect",
        title: "The kong-konnect requirements page changed (1 added, 0 removed, 1 modified; checked 2026-12-02 06:00 UTC)",
        url: "https://docs.example.com/p.md",
        lines: ["+ tls events.example.com:443 egress (required)", "~ tcp <cp>:443 egress (required): protocol https → tcp"],
      },
    ]);
  });
});
