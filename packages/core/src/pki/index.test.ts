import { X509Certificate } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createCA, issueCert } from "./index.js";

describe("pki", () => {
  it("creates a CA and issues leaf certificates it signs, with DNS and IP names", async () => {
    const ca = await createCA({ name: "lab, CA" });
    const leaf = await issueCert(ca, { names: ["api.lab.test", "127.0.0.9", "::1"] });
    const caCert = new X509Certificate(ca.certPem);
    const cert = new X509Certificate(leaf.certPem);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(cert.subject).toBe("CN=api.lab.test");
    expect(cert.subjectAltName).toBe("DNS:api.lab.test, IP Address:127.0.0.9, IP Address:0:0:0:0:0:0:0:1");
    expect(cert.checkHost("api.lab.test")).toBe("api.lab.test");
    expect(cert.checkIP("127.0.0.9")).toBe("127.0.0.9");
    expect(leaf.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(caCert.subject).toBe("CN=lab\\, CA");
  });

  it("honours validity windows (for expired-certificate tests)", async () => {
    const ca = await createCA();
    const notAfter = new Date("2020-01-02T00:00:00Z");
    const leaf = await issueCert(ca, { names: ["old.lab.test"], notBefore: new Date("2020-01-01T00:00:00Z"), notAfter });
    expect(new Date(new X509Certificate(leaf.certPem).validTo).getTime()).toBe(notAfter.getTime());
  });

  it("refuses to issue a certificate without a name", async () => {
    await expect(issueCert(await createCA(), { names: [] })).rejects.toThrow("at least one name");
  });
});
