import { describe, expect, it } from "vitest";
import { parsePortCell, parseProtocolCell } from "./ports.js";

describe("port spellings", () => {
  it.each([
    ["500, 4500", { ports: [{ port: 500 }, { port: 4500 }] }],
    ["135 and 445", { ports: [{ port: 135 }, { port: 445 }] }],
    ["10000-10100", { ports: [{ port: 10000, portEnd: 10100 }] }],
    ["10000 to 10100", { ports: [{ port: 10000, portEnd: 10100 }] }],
    ["49152–65535", { ports: [{ port: 49152, portEnd: 65535 }] }],
    ["53 (UDP)", { ports: [{ port: 53 }], protocols: ["udp"] }],
    ["8071 TCP/UDP", { ports: [{ port: 8071 }], protocols: ["tcp", "udp"] }],
    ["UDP/123", { ports: [{ port: 123 }], protocols: ["udp"] }],
    ["TCP 443", { ports: [{ port: 443 }], protocols: ["tcp"] }],
    ["443/TCP", { ports: [{ port: 443 }], protocols: ["tcp"] }],
    ["4317 (gRPC)", { ports: [{ port: 4317 }], protocols: ["tcp"] }],
    ["443 (HTTPS)", { ports: [{ port: 443 }], protocols: ["https"] }],
    ["port 4317/tcp", { ports: [{ port: 4317 }], protocols: ["tcp"] }],
    ["ICMP", { ports: [], protocols: ["icmp"] }],
  ])("%s", (cell, expected) => expect(parsePortCell(cell)).toEqual(expected));

  it.each(["sometimes", "443/ESP", "100-50", "65536", "443 ms"])("%j is not a port cell", (cell) => expect(parsePortCell(cell)).toBeUndefined());
});

describe("protocol words", () => {
  it.each([
    ["TCP", ["tcp"]],
    ["UDP", ["udp"]],
    ["TCP/UDP", ["tcp", "udp"]],
    ["TCP/SSL", ["tls"]],
    ["HTTPS", ["https"]],
    ["WSS", ["tls"]],
    ["gRPC", ["tcp"]],
    ["HTTP/2", ["tcp"]],
    ["ICMP", ["icmp"]],
    ["ESP", undefined],
    ["SCTP", undefined],
  ])("%s", (cell, expected) => expect(parseProtocolCell(cell)).toEqual(expected));
});
