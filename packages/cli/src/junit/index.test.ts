import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "@probemesh/core";
import { toJUnit } from "./index.js";
import { validateJUnit } from "./xmllint.js";

const result = (overrides: Partial<ProbeResult>): ProbeResult => ({
  checkId: "c",
  target: "tcp://h:1",
  kind: "tcp",
  region: "eu-west-1",
  at: "2025-01-01T00:00:00.000Z",
  status: "pass",
  outcome: "ok",
  durationMs: 12,
  phases: {},
  ...overrides,
});

describe("toJUnit", () => {
  it("escapes markup, quotes and control characters so the XML stays valid", () => {
    const xml = toJUnit(
      [
        result({ checkId: "a", target: "https://h/?q=<x>&y=\"1\"", kind: "http", status: "fail", outcome: "http_status", detail: { body: "</failure>]]>\u0001\u0008 'quoted' & more" } }),
        result({ checkId: "b", status: "inconclusive", outcome: "udp_no_reply", kind: "udp", target: "udp://h:53" }),
      ],
      { checks: [{ checkId: "a", target: "https://h/", label: 'Vendor "A" <api> & co', product: "kong-konnect" }, { checkId: "b", target: "udp://h:53", product: "strongdm" }] },
    );
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", processEntities: true }).parse(xml) as {
      testsuites: { tests: string; failures: string; skipped?: string; testsuite: { name: string; testcase: { name: string; classname: string; failure?: { "#text": string; message: string } }; skipped?: string }[] };
    };
    expect(doc.testsuites).toMatchObject({ tests: "2", failures: "1" });
    expect(doc.testsuites.skipped).toBeUndefined();
    const [kong, strongdm] = doc.testsuites.testsuite;
    expect(kong!.name).toBe("kong-konnect");
    expect(kong!.testcase.name).toBe('https://h/?q=<x>&y="1" (Vendor "A" <api> & co)');
    expect(kong!.testcase.classname).toBe("probemesh.http.eu-west-1");
    expect(kong!.testcase.failure!.message).toBe("http_status");
    expect(kong!.testcase.failure!["#text"]).toContain("</failure>]]>");
    expect(kong!.testcase.failure!["#text"]).not.toContain("\u0001");
    expect(strongdm!.name).toBe("strongdm");
    expect(strongdm!.skipped).toBe("1");
  });

  it("is valid against the Jenkins xunit plugin's junit-10 schema (xmllint), which refuses testsuites@skipped", async () => {
    const xml = toJUnit(
      [
        result({ checkId: "a", status: "fail", outcome: "tcp_refused", detail: { errno: "ECONNREFUSED" } }),
        result({ checkId: "b", status: "inconclusive", outcome: "udp_no_reply", kind: "udp", target: "udp://h:53" }),
        result({ checkId: "c", durationMs: 1234.5678 }),
      ],
      { checks: [{ checkId: "a", target: "tcp://h:1", product: "strongdm" }], startedAt: new Date("2026-01-02T03:04:05.678Z") },
    );
    expect(await validateJUnit(xml)).toEqual({ valid: true, errors: expect.stringContaining("validates") });
    expect(await validateJUnit(toJUnit([]))).toMatchObject({ valid: true });
    const withTotalSkipped = xml.replace('<testsuites name="probemesh"', '<testsuites name="probemesh" skipped="1"');
    const refused = await validateJUnit(withTotalSkipped);
    expect(refused.valid).toBe(false);
    expect(refused.errors).toMatch(/attribute 'skipped' is not allowed/);
  });

  it("writes an empty but valid report when there are no results", () => {
    const xml = toJUnit([]);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('tests="0"');
  });
});
