import { describe, expect, it } from "vitest";
import { checkIdOf } from "../check/index.js";
import { parseProfile } from "../profile/index.js";
import { plan, PlanError } from "./index.js";

const targets = (r: ReturnType<typeof plan>) => r.checks.map((c) => c.target);

describe("plan: Kong Konnect placeholders", () => {
  it("uses CONTROL_PLANE_DNS_PREFIX for cp0 in EU and CONTROL_PLANE_ID elsewhere", () => {
    const eu = plan({ product: "kong-konnect", geo: "eu", set: { CONTROL_PLANE_DNS_PREFIX: "dp1", CONTROL_PLANE_ID: "abc123", PORTAL_ID: "p9" } });
    expect(targets(eu)).toContain("tls://dp1.eu.cp0.konghq.com:443");
    expect(targets(eu)).toContain("tls://abc123.eu.tp0.konghq.com:443");
    expect(targets(eu).some((t) => t.includes("abc123.eu.cp0"))).toBe(false);

    const us = plan({ product: "kong-konnect", geo: "us", set: { CONTROL_PLANE_DNS_PREFIX: "dp1", CONTROL_PLANE_ID: "abc123", PORTAL_ID: "p9" } });
    expect(targets(us)).toEqual(
      expect.arrayContaining(["tls://abc123.us.cp0.konghq.com:443", "tls://p9.us.portal.konghq.com:443", "tls://us.api.konghq.com:443", "tcp://us.mesh.sync.konghq.com:443"]),
    );
    expect(targets(us).some((t) => t.includes("dp1"))).toBe(false);
  });

  it("reports a missing value as needs KEY and never probes the template literally", () => {
    const r = plan({ product: "kong-konnect", geo: "au" });
    expect(targets(r).some((t) => /[A-Z_]{4,}|\{|</.test(t))).toBe(false);
    expect(r.needs.find((n) => n.requirementId === "kong-konnect/hostnames.control-plane-id-region-cp0-konghq-com")?.missing).toEqual(["CONTROL_PLANE_ID"]);
    expect(r.needs.find((n) => n.requirementId.includes("portal"))?.missing).toEqual(["PORTAL_ID"]);
    expect(targets(r)).toEqual(expect.arrayContaining(["tls://cloud.konghq.com:443", "tls://global.api.konghq.com:443", "tls://au.api.konghq.com:443"]));
  });

  it("skips mesh sync in a geo the page does not offer it in, and needs --geo for {region} without one", () => {
    const india = plan({ product: "kong-konnect", geo: "in" });
    expect(india.skipped.find((s) => s.requirementId.includes("mesh"))?.reason).toMatch(/au\/eu\/us\/global only/);
    const noGeo = plan({ product: "kong-konnect" });
    expect(noGeo.skipped.find((s) => s.requirementId.includes("cp0"))?.reason).toMatch(/give --geo \(valid: au, eu, in, me, us\)/);
    expect(noGeo.needs.find((n) => n.requirementId.includes("region-api"))?.missing).toEqual(["region"]);
  });

  it("gives stable check ids made with checkIdOf", () => {
    const a = plan({ product: "kong-konnect", geo: "eu" }).checks[0]!;
    const b = plan({ product: "kong-konnect", geo: "eu" }).checks[0]!;
    expect(a.checkId).toBe(b.checkId);
    expect(a.checkId).toBe(checkIdOf("kong-konnect", "hostnames.cloud-konghq-com", "tls://cloud.konghq.com:443"));
    expect(a).toMatchObject({ product: "kong-konnect", component: "hostnames", level: "required" });
    expect(a.label).toMatch(/^Kong Konnect \/ Konnect and KIC hostnames → cloud\.konghq\.com/);
  });
});

describe("plan: errors list the valid values", () => {
  it("unknown product", () => {
    expect(() => plan({ product: "kong" })).toThrow(PlanError);
    expect(() => plan({ product: "kong" })).toThrow('unknown product "kong" (valid: auth0-private-cloud, auth0-appliance, strongdm, circleci-server, kong-konnect)');
  });
  it("unknown geo", () => {
    expect(() => plan({ product: "strongdm", geo: "au" })).toThrow('unknown geo "au" for strongdm (valid: eu, uk, us)');
  });
  it("a non-numeric port value", () => {
    expect(() => plan({ product: "strongdm", set: { "gateway-port": "http" } })).toThrow(PlanError);
  });
});

describe("plan: protocols, ranges, customer hosts", () => {
  it("maps udp, icmp and port ranges to target URIs", () => {
    const sdm = plan({ product: "strongdm" });
    expect(targets(sdm)).toContain("udp://1.1.1.1:53");
    const auth0 = plan({ product: "auth0-private-cloud", set: { node: "10.0.0.5" } });
    expect(targets(auth0)).toEqual(expect.arrayContaining(["icmp://10.0.0.5", "tcp://10.0.0.5:9300-9400", "tcp://10.0.0.5:27017"]));
  });

  it("uses StrongDM's default geo (US) and the page's default gateway port", () => {
    const r = plan({ product: "strongdm", set: { gateway: "gw.internal" } });
    expect(targets(r)).toContain("tcp://app.strongdm.com:443");
    expect(targets(r)).toContain("tcp://gw.internal:5000");
    expect(targets(plan({ product: "strongdm", set: { gateway: "gw.internal", "gateway-port": "15000" } }))).toContain("tcp://gw.internal:15000");
  });

  it("skips loopback rows (client machine itself) and names customer hosts it needs", () => {
    const r = plan({ product: "strongdm", geo: "eu" });
    expect(r.skipped.filter((s) => s.reason.startsWith("loopback")).length).toBe(2);
    expect(r.needs.map((n) => n.missing[0])).toEqual(expect.arrayContaining(["gateway", "resource", "secret-stores"]));
    const circle = plan({ product: "circleci-server" });
    expect(circle.checks).toEqual([]);
    expect(new Set(circle.needs.flatMap((n) => n.missing))).toEqual(
      new Set(["services-machine", "nomad-clients", "github", "aws-api-endpoints", "postgresql-servers", "mongodb-servers", "rabbitmq-servers", "redis-servers", "nomad-servers", "cloudwatch-endpoints", "cloud-storage-provider", "internal-dns-server"]),
    );
  });

  it("expands a profile: hosts (several nodes), expectations, extra targets, conditional levels kept", () => {
    const profile = parseProfile(
      `products: [auth0-private-cloud]
hosts:
  node: [10.0.0.1, 10.0.0.2]
  load-balancer: lb.internal
expectations:
  - requirement: external.github-com.443
    expect: blocked
targets:
  - tcp://intranet.example:8443?expect=blocked
`,
      "p.yaml",
    );
    const r = plan({ profile });
    expect(r.checks.filter((c) => c.target.startsWith("tcp://10.0.0.") && c.target.endsWith(":27017")).length).toBe(2);
    expect(r.checks.find((c) => c.target === "tcp://github.com:443")?.expect).toBe("blocked");
    expect(r.checks.find((c) => c.target === "tcp://lb.internal:443")).toBeDefined();
    expect(r.checks.find((c) => c.target.startsWith("tcp://intranet.example"))).toMatchObject({ expect: "blocked", product: "custom" });
    expect(r.checks.find((c) => c.target === "tcp://10.0.0.1:9001")).toMatchObject({ level: "conditional", condition: "Required if rate limiting is used" });
    expect(r.needs.flatMap((n) => n.missing)).toEqual(expect.arrayContaining(["cli-host", "dns-server", "smtp-relay"]));
  });

  it("puts the profile's probe and alert settings on every check, an expectation's on its own checks", () => {
    const profile = parseProfile(
      `products: [auth0-private-cloud]
hosts: { node: 10.0.0.1, load-balancer: lb.internal }
retries: 2
certMinDays: 30
quorum: 3
alertOn: quorum
expectations:
  - requirement: external.github-com.443
    expect: blocked
  - requirement: external.github-com.443
    alertOn: any
    quorum: 1
  - target: tls://intranet.example:443
    alertOn: any
targets: [tls://intranet.example:443, tcp://intranet.example:22]
`,
      "p.yaml",
    );
    const { checks } = plan({ profile });
    expect(checks.find((c) => c.target === "tcp://github.com:443")).toMatchObject({ expect: "blocked", alertOn: "any", quorum: 1, retries: 2 });
    expect(checks.find((c) => c.target === "tcp://lb.internal:443")).toMatchObject({ alertOn: "quorum", quorum: 3, retries: 2 });
    expect(checks.find((c) => c.target === "tls://intranet.example:443")).toMatchObject({ alertOn: "any", quorum: 3, certMinDays: 30 });
    // certMinDays is a certificate setting: a plain TCP check does not carry it.
    expect(checks.find((c) => c.target === "tcp://intranet.example:22")).not.toHaveProperty("certMinDays");
    // Without these keys a check carries none of them: the engine's and the verdict's defaults apply.
    const plain = plan({ profile: parseProfile("products: [strongdm]", "q.yaml") }).checks[0]!;
    for (const key of ["retries", "certMinDays", "quorum", "alertOn"]) expect(plain).not.toHaveProperty(key);
  });

  it("refuses to plan nothing", () => {
    expect(() => plan({})).toThrow(/no product given \(valid: /);
  });
});
