import { describe, expect, it } from "vitest";
import { detailFields } from "./detail.js";

describe("detailFields", () => {
  it("reads a TLS handshake's detail as labelled fields, not JSON", () => {
    const fields = detailFields({
      protocol: "TLSv1.3",
      cipher: "TLS_AES_256_GCM_SHA384",
      alpn: "h2",
      cert: {
        subject: "CN=api.example.test, O=Example",
        san: ["DNS:api.example.test", "DNS:a.example.test", "DNS:b.example.test", "DNS:c.example.test", "DNS:d.example.test"],
        issuer: "CN=probemesh lab CA",
        validFrom: "2026-01-01T00:00:00.000Z",
        validTo: "2027-03-01T12:00:00.000Z",
        serialNumber: "0A1B",
        fingerprint256: "AA:BB",
      },
      labPort: 40123,
    });
    expect(fields).toEqual([
      { label: "TLS", value: "TLSv1.3" },
      { label: "Cipher", value: "TLS_AES_256_GCM_SHA384" },
      { label: "ALPN", value: "h2" },
      { label: "Certificate for", value: "api.example.test (Example)" },
      { label: "Certificate names", value: "api.example.test, a.example.test, b.example.test, c.example.test and 1 more" },
      { label: "Issued by", value: "probemesh lab CA" },
      { label: "Valid from", value: "2026-01-01" },
      { label: "Valid until", value: "2027-03-01" },
      { label: "Lab port", value: "40123" },
    ]);
    expect(fields.map((f) => f.value).join(" ")).not.toMatch(/[{}"]/);
  });
  it("puts an error first, words unknown keys, and leaves out empty values", () => {
    expect(detailFields({ connectMs: 12, error: "connect ECONNREFUSED", errno: "ECONNREFUSED", note: "", retried: [{ ms: 3 }] })).toEqual([
      { label: "Error", value: "connect ECONNREFUSED" },
      { label: "Error code", value: "ECONNREFUSED" },
      { label: "Connect ms", value: "12" },
      { label: "Retried", value: '{"ms":3}' },
    ]);
    expect(detailFields(null)).toEqual([]);
    expect(detailFields({ unroutedAddresses: ["fd00::5", "fd00::6"] })).toEqual([{ label: "No route from here to", value: "fd00::5, fd00::6" }]);
    expect(detailFields({ waitedMs: 2000.04, meaning: "open or filtered" })).toEqual([
      { label: "Meaning", value: "open or filtered" },
      { label: "Waited", value: "2000 ms" },
    ]);
  });
});
