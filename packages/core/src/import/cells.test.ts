import { describe, expect, it } from "vitest";
import { findCondition, parseDestinationCell, parseDirectionCell, parseLevelCell } from "./cells.js";
import { parsePortCell, parseProtocolCell } from "./ports.js";
import { readPage } from "./page.js";

describe("cell classifiers", () => {
  it.each([
    ["443", { ports: [{ port: 443 }] }],
    ["`8071`", { ports: [{ port: 8071 }] }],
    ["9200, 9300-9400", { ports: [{ port: 9200 }, { port: 9300, portEnd: 9400 }] }],
    ["80/(443 or 4443)", { ports: [{ port: 80 }, { port: 443 }, { port: 4443 }], alternatives: "443 or 4443" }],
    ["53 (UDP)", { ports: [{ port: 53 }], protocols: ["udp"] }],
    ["7000-7010/UDP", { ports: [{ port: 7000, portEnd: 7010 }], protocols: ["udp"] }],
    ["ICMP", { ports: [], protocols: ["icmp"] }],
    ["Custom", { ports: [], custom: true }],
  ])("port cell %s", (cell, expected) => expect(parsePortCell(cell)).toEqual(expected));

  it.each(["varies by plan", "9400-9300", "70000", ""])("port cell %j is not understood", (cell) => expect(parsePortCell(cell)).toBeUndefined());

  it.each([
    ["TCP", ["tcp"]],
    ["TCP <br> UDP", ["tcp", "udp"]],
    ["TCP <br>HTTPS", ["https"]],
    ["TCP/UDP", ["tcp", "udp"]],
    ["mTLS", ["tls"]],
    ["carrier pigeon", undefined],
  ])("protocol cell %s", (cell, expected) => expect(parseProtocolCell(cell)).toEqual(expected));

  it.each([
    ["Egress", ["egress"]],
    ["Inbound", ["ingress"]],
    ["Outbound", ["egress"]],
    ["Bi-directional", ["egress", "ingress"]],
    ["Inbound <b>and</b> Outbound", ["egress", "ingress"]],
    ["sideways", undefined],
  ])("direction cell %s", (cell, expected) => expect(parseDirectionCell(cell)).toEqual(expected));

  it.each([
    ["Yes", "required"],
    ["No", "optional"],
    ["Optional", "optional"],
    ["Required", "required"],
    ["maybe", undefined],
  ])("level cell %s", (cell, expected) => expect(parseLevelCell(cell)).toBe(expected));

  it("finds conditions in the page's words", () => {
    expect(findCondition(["Only if using externalised databases. Port is user-defined."])).toBe("Only if using externalised databases");
    expect(findCondition(["Only if using externalised Redis and using Redis replication (optional)"])).toBe("Only if using externalised Redis and using Redis replication (optional)");
    expect(findCondition(["Required to run web extensions; Provides update packages for Appliance instances running versions `6868` or earlier"])).toBe(
      "Provides update packages for Appliance instances running versions 6868 or earlier",
    );
    expect(findCondition(["Required for logging and debugging"])).toBeUndefined();
  });

  it("classifies destinations: host with address, template, loopback, customer host", () => {
    expect(parseDestinationCell("apt-mirror.it.auth0.com (52.8.153.197)")).toEqual({ destination: "apt-mirror.it.auth0.com", kind: "host", addresses: ["52.8.153.197"] });
    expect(parseDestinationCell("`CONTROL_PLANE_ID.{region}.cp0.konghq.com`")).toMatchObject({ destination: "CONTROL_PLANE_ID.{region}.cp0.konghq.com", kind: "template" });
    expect(parseDestinationCell("Client (loopback)")).toMatchObject({ destination: "127.0.0.1", kind: "loopback" });
    expect(parseDestinationCell("Your load balancer IP address (often on internal network)")).toMatchObject({ destination: "<load-balancer-ip-address>", kind: "customer" });
    expect(parseDestinationCell("api.example.com:8443")).toMatchObject({ destination: "api.example.com", port: 8443 });
  });
});

describe("page reader", () => {
  it("reports text that breaks a flattened table's row stride", () => {
    const page = readPage("| Host | Port | | --- | --- | | a.example | 1 | stray | b.example | 2 |");
    expect(page.tables[0]?.rows.map((r) => r.cells)).toEqual([["a.example", "1"]]);
    expect(page.problems).toEqual([{ line: 1, text: "stray", reason: "text between flattened rows" }]);
  });
});
