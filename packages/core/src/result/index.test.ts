import { describe, expect, it } from "vitest";
import { addressOutcomes } from "./index.js";

describe("addressOutcomes", () => {
  it("names each probed address with its outcome, and a range's addresses as scanned or not", () => {
    expect(addressOutcomes({ detail: { addresses: [{ address: "10.0.0.2", outcome: "ok" }, { address: "10.0.0.5", outcome: "host_unreachable" }] } }))
      .toBe("10.0.0.2 ok, 10.0.0.5 host_unreachable");
    expect(addressOutcomes({ detail: { addresses: [{ address: "10.0.0.2", scanned: true }, { address: "10.0.0.3", scanned: false }] } }))
      .toBe("10.0.0.2 scanned, 10.0.0.3 not scanned");
  });

  it("names the addresses of the answer that had no route from here", () => {
    expect(addressOutcomes({ remoteAddress: "10.0.0.2", outcome: "ok", detail: { unroutedAddresses: ["fd00::5"] } })).toBe("10.0.0.2 ok, fd00::5 no route");
    expect(addressOutcomes({ detail: { addresses: [{ address: "10.0.0.2", outcome: "ok" }, { address: "10.0.0.3", outcome: "ok" }], unroutedAddresses: ["fd00::5"] } }))
      .toBe("10.0.0.2 ok, 10.0.0.3 ok, fd00::5 no route");
  });

  it("says nothing for a result of one address", () => {
    expect(addressOutcomes({ detail: { addresses: [{ address: "10.0.0.2", outcome: "ok" }] } })).toBeUndefined();
    expect(addressOutcomes({})).toBeUndefined();
  });
});
