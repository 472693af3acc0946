import { checkIdOf, type Check } from "../check/index.js";
import type { ProbeResult } from "../result/index.js";
import { kindOfUri } from "../target/index.js";

/** The lab catalog's mix, used when no profile is given: 87 % tcp, 6 % udp, 5 % tls, 2 % dns. */
export function syntheticChecks(count: number): Check[] {
  return Array.from({ length: count }, (_, i) => {
    const host = `svc-${i}.vendor.example.com`;
    const slot = i % 100;
    const target = slot < 87 ? `tcp://${host}:443` : slot < 93 ? `udp://${host}:3478` : slot < 98 ? `tls://${host}:443` : `dns://1.1.1.1/${host}?type=A`;
    return { checkId: checkIdOf("vendor", host, String(slot)), target };
  });
}

/** A deterministic number in [0, 1) from a seed. */
const noise = (seed: number) => Math.abs(Math.sin(seed * 12.9898 + 78.233) * 43758.5453) % 1;

/**
 * A passing result for `check` shaped as its prober writes one (phases, remote address, the TLS
 * certificate summary, DNS answers), with latencies that vary per check and round: what the store
 * encodes, so the estimate's bytes per result come from the store's own codec on realistic input.
 */
export function sampleResult(check: Check, region: string, at: string, round: number, index: number): ProbeResult {
  const kind = kindOfUri(check.target) ?? "tcp";
  const r = noise(index * 7919 + round * 104_729);
  const ms = (base: number) => Math.round((base + base * 2 * r) * 1000) / 1000;
  const dnsMs = ms(4);
  const connectMs = ms(30);
  const address = `203.0.113.${(index % 250) + 1}`;
  const common = { checkId: check.checkId, target: check.target, kind, region, at, status: "pass" as const, ...(check.expect ? { expect: check.expect } : {}) };
  switch (kind) {
    case "tls": {
      const tlsMs = ms(45);
      const host = /^tls:\/\/([^:/]+)/.exec(check.target)?.[1] ?? "host.example.com";
      return {
        ...common,
        outcome: "ok",
        durationMs: Math.round((dnsMs + connectMs + tlsMs) * 1000) / 1000,
        phases: { dnsMs, connectMs, tlsMs },
        remoteAddress: address,
        detail: {
          protocol: "TLSv1.3",
          cipher: "TLS_AES_128_GCM_SHA256",
          cert: {
            subject: `CN=${host}`,
            san: [`DNS:${host}`],
            issuer: "C=US, O=Let's Encrypt, CN=R11",
            validFrom: "2026-10-01T00:00:00.000Z",
            validTo: "2026-12-30T00:00:00.000Z",
            serialNumber: (index * 2_654_435_761).toString(16).padStart(36, "0").toUpperCase(),
            fingerprint256: Array.from({ length: 32 }, (_, k) => Math.floor(noise(index * 31 + k) * 256).toString(16).padStart(2, "0").toUpperCase()).join(":"),
          },
        },
      };
    }
    case "dns":
      return { ...common, outcome: "ok", durationMs: dnsMs, phases: { dnsMs }, detail: { rcode: "NOERROR", answers: [address] } };
    case "udp":
      return { ...common, outcome: "udp_reply", durationMs: connectMs, phases: { dnsMs }, remoteAddress: address, detail: { replyBytes: 4 } };
    case "http":
    case "icmp":
    case "tcp":
      return { ...common, outcome: "ok", durationMs: Math.round((dnsMs + connectMs) * 1000) / 1000, phases: { dnsMs, connectMs }, remoteAddress: address };
  }
}
