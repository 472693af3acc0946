/**
 * Pages the importer has never seen, one per shape, each modelled on a kind of vendor page
 * (agents, CI runners, SaaS connectors, VPN and relay products …; hosts are example domains).
 * Every requirement extracted and every unclassified line is listed exactly.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCatalog, type Requirement } from "../catalog/schema.js";
import { importPage } from "./index.js";

const DIR = new URL("./fixtures/pages/", import.meta.url);

/** One line per requirement: `[component] protocol destination:port direction level (condition) peer=… @geos Lline`. */
function summary(component: string, q: Requirement): string {
  const port = q.port !== undefined ? `:${q.port}${q.portEnd ? `-${q.portEnd}` : ""}` : q.portKey ? `:<${q.portKey}>` : "";
  const condition = q.condition ? ` (${q.condition})` : "";
  return `[${component}] ${q.protocol} ${q.destination}${port} ${q.direction} ${q.level}${condition}${q.peer ? ` peer=${q.peer}` : ""}${q.geos ? ` @${q.geos.join(",")}` : ""} L${q.source.line}`;
}

const PAGES: Record<string, { shape: string; requirements: string[]; unclassified: string[] }> = {
  "backup-agent.csv": {
    shape: "CSV file, quoted cells, port lists and ranges, wildcard and customer hosts",
    requirements: [
      "[Backup agent] tcp vault.backup.example.com:443 egress required L2",
      "[Backup agent] tcp <windows-file-servers>:135 egress required L3",
      "[Backup agent] tcp <windows-file-servers>:445 egress required L3",
      "[Backup agent] tcp <windows-file-servers>:49152-65535 egress conditional (Only if dynamic RPC ports are not restricted) L4",
      "[Media server] tcp media.backup.example.com:10000-10100 egress required L5",
      "[Media server] tcp <any-host>:8443 ingress optional L6",
      "[Media server] tcp dedupe.backup.example.com:8443 egress conditional (Either 8443 or 9443, whichever is in use) L7",
      "[Media server] tcp dedupe.backup.example.com:9443 egress conditional (Either 8443 or 9443, whichever is in use) L7",
      "[Media server] tcp license.backup.example.com egress required L8",
    ],
    unclassified: [
      "L8 port not understood; imported without a port: sometimes",
    ],
  },
  "cdn-regions-list.md": {
    shape: "bullet list nested by region",
    requirements: [
      "[Edge cache origin pull] tcp collector.eu.edge.example.com:443 egress required @eu L6",
      "[Edge cache origin pull] tcp logs.eu.edge.example.com:6514 egress optional @eu L7",
      "[Edge cache origin pull] tcp collector.us.edge.example.com:443 egress required @us L9",
      "[Edge cache origin pull] tcp logs.us.edge.example.com:6514 egress optional @us L10",
      "[Edge cache origin pull] tcp collector.ap.edge.example.com:443 egress required @apac L12",
    ],
    unclassified: [],
  },
  "chat-bridge-labels.md": {
    shape: "\"Label:\" lines over bullet lists of URLs",
    requirements: [
      "[Bridge worker] https api.chat.example.com:443 egress required L4",
      "[Bridge worker] tls gateway.chat.example.com:443 egress required L5",
      "[Bridge worker] https media.chat.example.com:8443 egress optional L6",
      "[Admin console] https console.chat.example.com:443 egress required L9",
      "[Admin console] tcp <smtp-relay>:25 egress conditional (Only if you send e-mail notifications) L10",
      "[Admin console] tcp <smtp-relay>:587 egress conditional (Only if you send e-mail notifications) L10",
    ],
    unclassified: [],
  },
  "ci-runner-cell-lines.txt": {
    shape: "table copied from a rendered page, one cell per line",
    requirements: [
      "[Self-hosted runner communication] https api.ci.example.com:443 egress required L9",
      "[Self-hosted runner communication] https pipelines.ci.example.com:443 egress required L13",
      "[Self-hosted runner communication] https <subdomain-of-actions-ci-example-com>.actions.ci.example.com:443 egress required L18",
      "[Self-hosted runner communication] tls results-receiver.ci.example.com:443 egress required L22",
      "[Self-hosted runner communication] https artifacts.ci.example.com:<artifacts-ci-example-com-port> egress required L26",
      "[Self-hosted runner communication] tcp <https-proxy>:3128 egress conditional (If you use an HTTP proxy) L31",
    ],
    unclassified: [],
  },
  "db-replication-pipe.md": {
    shape: "pipe table with header synonyms, \"8071 TCP/UDP\", \"Yes, when \u2026\"",
    requirements: [
      "[Replication cluster ports] tcp primary.db.example.com:5433 egress required L5",
      "[Replication cluster ports] tcp coord.db.example.com:10000-10100 egress required L6",
      "[Replication cluster ports] tcp gossip.db.example.com:8071 egress required L7",
      "[Replication cluster ports] udp gossip.db.example.com:8071 egress required L7",
      "[Replication cluster ports] tcp gossip.db.example.com:8071 ingress required L7",
      "[Replication cluster ports] udp gossip.db.example.com:8071 ingress required L7",
      "[Replication cluster ports] tcp metrics.db.example.com:9187 egress conditional (When metrics export is on) L8",
    ],
    unclassified: [
      "L9 protocol not understood; row not imported: SCTP",
      "L10 direction not understood; row not imported: Sideways",
    ],
  },
  "iot-gateway.txt": {
    shape: "plain-text paragraphs of sentences, inbound from a CIDR",
    requirements: [
      "[IoT Edge Gateway - Connectivity Guide] tls hub.iot.example.com:8883 egress required L3",
      "[IoT Edge Gateway - Connectivity Guide] tcp dps.iot.example.com:443 egress required L3",
      "[IoT Edge Gateway - Connectivity Guide] tcp hub.iot.example.com:443 egress required L3",
      "[IoT Edge Gateway - Connectivity Guide] tcp <gateway>:9000 ingress optional peer=192.0.2.0/24 L5",
      "[IoT Edge Gateway - Connectivity Guide] udp media.iot.example.com:10000-10100 egress conditional (Required when video streaming is licensed) L7",
    ],
    unclassified: [],
  },
  "mdm-semicolon.csv": {
    shape: "semicolon CSV export with two hosts in one cell",
    requirements: [
      "[General] tcp enroll.mdm.example.org:443 egress required L2",
      "[General] tcp push.mdm.example.org:5223 egress required L3",
      "[General] tcp push.mdm.example.org:443 egress optional L4",
      "[General] tcp cache-1.mdm.example.org:80 egress optional L5",
      "[General] tcp cache-2.mdm.example.org:80 egress optional L5",
      "[General] udp time.mdm.example.org:123 egress optional L6",
    ],
    unclassified: [],
  },
  "metrics-agent-tsv.txt": {
    shape: "tab-separated copy of a rendered table (TCP/SSL, WSS, gRPC, ICMP)",
    requirements: [
      "[Metrics agent \u2014 network traffic (copied from the docs site)] https intake.metrics.example.com:443 egress required L4",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] tls logs-intake.metrics.example.com:10516 egress optional L5",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] tcp trace.metrics.example.com:8126 egress conditional (If APM is enabled) L6",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] udp 127.0.0.1:8125 ingress required L7",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] https process.metrics.example.com:443 egress optional L8",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] icmp 203.0.113.0/24 egress optional L9",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] tls live.metrics.example.com:443 egress required L10",
      "[Metrics agent \u2014 network traffic (copied from the docs site)] tcp telemetry.metrics.example.com:4317 egress required L11",
    ],
    unclassified: [],
  },
  "otel-collector-prose.md": {
    shape: "prose sentences under Outbound/Inbound headings",
    requirements: [
      "[Outbound] tcp otlp.observe.example.com:443 egress required L7",
      "[Outbound] tcp api.observe.example.com:443 egress required L7",
      "[Outbound] tcp otlp-grpc.observe.example.com:4317 egress required L7",
      "[Outbound] tcp profiles.observe.example.com:4040 egress conditional (If you enable the profiling add-on) L9",
      "[Outbound] udp <ntp-servers>:123 egress required L11",
      "[Inbound] tcp <collector>:4317 ingress required peer=your application subnets L15",
      "[Inbound] tcp <collector>:4318 ingress required peer=your application subnets L15",
    ],
    unclassified: [
      "L17 port named without a destination; not imported: port 8888",
    ],
  },
  "remote-access.html": {
    shape: "HTML table with a Port/Protocol column, wildcard FQDN, and an HTML <ul>",
    requirements: [
      "[Remote access gateway: network prerequisites] tcp <subdomain-of-relay-example-com>.relay.example.com:443 egress required L8",
      "[Remote access gateway: network prerequisites] tcp broker.remote.example.com:443 egress required L9",
      "[Remote access gateway: network prerequisites] udp broker.remote.example.com:443 egress required L9",
      "[Remote access gateway: network prerequisites] tcp gw-<tenant>.remote.example.com:8443 egress required L10",
      "[Remote access gateway: network prerequisites] tcp <identity-provider>:443 egress required L11",
      "[Optional services] tcp recordings.remote.example.com:443 egress optional L16",
      "[Optional services] icmp broker.remote.example.com egress optional L18",
    ],
    unclassified: [],
  },
  "saas-connector-nested.md": {
    shape: "bullet list nested by component",
    requirements: [
      "[Connector service] tcp connect.sync.example.com:443 egress required L6",
      "[Connector service] tcp files.sync.example.com:443 egress required L7",
      "[Connector service] tcp events.sync.example.com:9093 egress optional L8",
      "[Database sources] tcp <postgresql-server>:5432 egress required L10",
      "[Database sources] tcp <sql-server-instance>:1433 egress conditional (Only if you sync SQL Server) L11",
      "[Update service] https updates.sync.example.com:443 egress required L13",
    ],
    unclassified: [
      "L14 host named without a port; not imported: mirror.sync.example.com",
    ],
  },
  "siem-forwarder-deflist.md": {
    shape: "definition list: term a host or a customer host, ports in the definition",
    requirements: [
      "[Forwarder destinations] tcp ingest.siem.example.com:6514 egress required L7",
      "[Forwarder destinations] tcp backup-ingest.siem.example.com:6514 egress optional L10",
      "[Forwarder destinations] tcp backup-ingest.siem.example.com:601 egress optional L10",
      "[Forwarder destinations] tcp <domain-controllers>:389 egress conditional (Only if you collect Active Directory events) L13",
      "[Forwarder destinations] tcp <domain-controllers>:636 egress conditional (Only if you collect Active Directory events) L13",
    ],
    unclassified: [
      "L16 host named without a port; not imported: status.siem.example.com",
    ],
  },
  "site-vpn-columns.txt": {
    shape: "space-aligned columns (\"500, 4500\", Inbound and Outbound, ESP)",
    requirements: [
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp vpn1.gw.example.net:500 egress required L6",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp vpn1.gw.example.net:4500 egress required L6",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp <site-to-site-vpn-gateway-firewall-requirements>:500 ingress required peer=vpn1.gw.example.net L6",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp <site-to-site-vpn-gateway-firewall-requirements>:4500 ingress required peer=vpn1.gw.example.net L6",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp vpn2.gw.example.net:500 egress required L7",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp vpn2.gw.example.net:4500 egress required L7",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp <site-to-site-vpn-gateway-firewall-requirements>:500 ingress required peer=vpn2.gw.example.net L7",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp <site-to-site-vpn-gateway-firewall-requirements>:4500 ingress required peer=vpn2.gw.example.net L7",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] tcp monitor.gw.example.net:443 egress optional L9",
      "[SITE-TO-SITE VPN GATEWAY: FIREWALL REQUIREMENTS] udp ntp.gw.example.net:123 egress optional L10",
    ],
    unclassified: [
      "L8 protocol not understood; row not imported: ESP",
    ],
  },
  "sso-bridge-fixed.txt": {
    shape: "fixed-width columns with empty cells",
    requirements: [
      "[Directory sync bridge \u2014 ports] tcp sync.dir.example.com:443 egress required L4",
      "[Directory sync bridge \u2014 ports] tcp ldap.corp.example.net:636 egress required L5",
      "[Directory sync bridge \u2014 ports] tcp ldap.corp.example.net:389 egress optional L6",
      "[Directory sync bridge \u2014 ports] udp radius.corp.example.net:1812 egress optional L7",
    ],
    unclassified: [],
  },
  "thin-client-numbered.md": {
    shape: "numbered list of sentences (\"135 and 445\", \"88 TCP/UDP\", \"53 (UDP)\", ICMP)",
    requirements: [
      "[Thin client domain join] tcp <domain-controllers>:135 egress required L5",
      "[Thin client domain join] tcp <domain-controllers>:445 egress required L5",
      "[Thin client domain join] tcp <domain-controllers>:88 egress required L6",
      "[Thin client domain join] udp <domain-controllers>:88 egress required L6",
      "[Thin client domain join] udp <dns-servers>:53 egress required L7",
      "[Thin client domain join] icmp <default-gateway> egress required L8",
      "[Thin client domain join] tcp <domain-controllers>:49152-65535 egress conditional (When you use Group Policy) L9",
    ],
    unclassified: [
      "L10 host named without a port; not imported: mgmt.thin.example.com",
    ],
  },
  "video-bare-pipes.md": {
    shape: "pipe rows without outer pipes or separator row",
    requirements: [
      "[Meeting room system \u2014 firewall] udp media.video.example.com:3478-3481 egress required L6",
      "[Meeting room system \u2014 firewall] tcp media.video.example.com:443 egress required L7",
      "[Meeting room system \u2014 firewall] tls signal.video.example.com:443 egress required L8",
      "[Meeting room system \u2014 firewall] https recordings.video.example.com:443 egress optional L9",
      "[Meeting room system \u2014 firewall] tcp provisioning.video.example.com:80 egress required L10",
      "[Meeting room system \u2014 firewall] tcp provisioning.video.example.com:443 egress required L10",
    ],
    unclassified: [],
  },
};

describe("importer on sixteen pages of other vendors, one shape each", () => {
  it("has an expectation for every fixture page", () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(PAGES).sort());
  });

  for (const [file, page] of Object.entries(PAGES)) {
    it(`${file}: ${page.shape}`, () => {
      const result = importPage(readFileSync(new URL(file, DIR), "utf8"), { file });
      expect(() => parseCatalog(result.catalog)).not.toThrow();
      const found = result.catalog.components.flatMap((c) => c.requirements.map((q) => summary(c.name, q)));
      expect(found).toEqual(page.requirements);
      expect(result.unclassified.map((u) => `L${u.line} ${u.reason}: ${u.text}`)).toEqual(page.unclassified);
      expect(result.catalog.components.flatMap((c) => c.requirements).every((q) => q.source.file === file)).toBe(true);
    });
  }

  it("says which defaults it took instead of guessing silently", () => {
    const assumptions = (file: string) => importPage(readFileSync(new URL(file, DIR), "utf8"), { file }).assumptions.map((a) => `L${a.line} ${a.reason}`);
    expect(assumptions("remote-access.html")).toContain("L8 wildcard: the host to probe is the placeholder <subdomain-of-relay-example-com>.relay.example.com");
    expect(assumptions("site-vpn-columns.txt")).toContain("L10 empty direction cell: taken as egress");
    expect(assumptions("otel-collector-prose.md")).toContain("L11 no level word: taken as required");
    expect(assumptions("iot-gateway.txt")).toEqual(["L7 no direction word: taken as egress"]);
  });
});
