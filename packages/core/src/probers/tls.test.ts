import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueCert, type CertificateAuthority } from "../pki/index.js";
import { probe } from "./index.js";
import { certificateCases, closedTcpPort, type CertificateCases, type Listening } from "./test-servers/index.js";
import type { ProbeContext } from "./types.js";

let cases: CertificateCases;
let ca: CertificateAuthority;
let good: Listening, expiring: Listening, expired: Listening, untrusted: Listening, misnamed: Listening, garbage: Listening;
let dir: string;
const ctx = (extra: Partial<ProbeContext> = {}): Partial<ProbeContext> => ({ region: "r", checkId: "t", timeoutMs: 2000, ca: [ca.certPem], ...extra });

beforeAll(async () => {
  cases = await certificateCases();
  ({ ca, good, expiring, expired, untrusted, misnamed, garbage } = cases);
  dir = await mkdtemp(join(tmpdir(), "probemesh-tls-"));
});
afterAll(async () => {
  await cases.close();
  await rm(dir, { recursive: true, force: true });
});

describe("tls prober", () => {
  it("records protocol, cipher and the certificate on a good handshake", async () => {
    const [result] = await probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, ctx());
    expect(result).toMatchObject({ kind: "tls", status: "pass", outcome: "ok", remoteAddress: "127.0.0.1" });
    expect(result!.detail).toMatchObject({
      protocol: "TLSv1.3",
      servername: "api.lab.test",
      cert: { subject: "CN=api.lab.test", san: ["DNS:api.lab.test", "IP Address:127.0.0.1"], issuer: "CN=probemesh lab CA" },
    });
    expect(String(result!.detail!.cipher)).toMatch(/^TLS_/);
    // Go's groups, not Node 24's post-quantum hybrid first: that hybrid costs a probe ~0.5 ms more CPU per handshake.
    expect(result!.detail!.group).toBe("X25519");
    const cert = result!.detail!.cert as { validTo: string };
    expect(Date.parse(cert.validTo)).toBeGreaterThan(Date.now());
    expect(result!.phases.connectMs).toBeGreaterThanOrEqual(0);
    expect(result!.phases.tlsMs).toBeGreaterThan(0);
  });

  it("offers a target's own groups=: a NIST curve, a post-quantum hybrid where this OpenSSL has one (invalid_target where not)", async () => {
    const uri = `tls://127.0.0.1:${good.port}?servername=api.lab.test`;
    const [nist] = await probe(`${uri}&groups=P-256`, ctx());
    expect(nist).toMatchObject({ status: "pass", outcome: "ok", target: `${uri}&groups=P-256` });
    expect(nist!.detail!.group).toBe("prime256v1");
    // OpenSSL 3.5 (Node 24, what Lambda runs) has ML-KEM; Node 20's 3.0 does not, and says so.
    const [hybrid] = await probe(`${uri}&groups=X25519MLKEM768:X25519`, ctx());
    const [major, minor] = process.versions.openssl.split(".").map(Number) as [number, number];
    if (major > 3 || (major === 3 && minor >= 5)) {
      expect(hybrid).toMatchObject({ status: "pass", outcome: "ok", detail: { group: "X25519MLKEM768" } });
    } else {
      expect(hybrid).toMatchObject({ status: "fail", outcome: "invalid_target", detail: { error: expect.stringMatching(/^groups=X25519MLKEM768:X25519: this process's OpenSSL .* does not offer them/) } });
    }
    const [typo] = await probe(`${uri}&groups=X25519;P-256`, ctx());
    expect(typo).toMatchObject({ outcome: "invalid_target", detail: { error: expect.stringContaining("groups must be 1 to 8 OpenSSL group names") } });
  });

  it("finishes the handshake and closes with close_notify, so the server logs no failed handshake", async () => {
    const pems = await issueCert(ca, { names: ["127.0.0.1"] });
    const seen = { completed: 0, closedCleanly: 0, clientErrors: [] as string[] };
    const server = tls.createServer({ cert: pems.certPem, key: pems.keyPem }, (socket) => {
      seen.completed++;
      socket.on("error", () => {});
      socket.on("end", () => seen.closedCleanly++);
    });
    server.on("tlsClientError", (error) => seen.clientErrors.push(error.message));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as import("node:net").AddressInfo;
    try {
      for (let i = 0; i < 5; i++) expect((await probe(`tls://127.0.0.1:${port}`, ctx()))[0]).toMatchObject({ outcome: "ok" });
      await vi.waitFor(() => expect(seen.closedCleanly).toBe(5), { timeout: 2000 });
      expect(seen).toEqual({ completed: 5, closedCleanly: 5, clientErrors: [] });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("checks an IP SAN when the target is an IP and no servername is given", async () => {
    const [result] = await probe(`tls://127.0.0.1:${good.port}`, ctx());
    expect(result).toMatchObject({ outcome: "ok" });
  });

  it("reports an expired certificate", async () => {
    const [result] = await probe(`tls://127.0.0.1:${expired.port}?servername=api.lab.test`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "tls_cert_expired", detail: { authorizationError: "CERT_HAS_EXPIRED" } });
  });

  it("fails a leaf certificate expiring within certMinDays (default 14) as tls_cert_expiring, with the days left", async () => {
    const uri = `tls://127.0.0.1:${expiring.port}?servername=api.lab.test`;
    const [soon] = await probe(uri, ctx());
    expect(soon).toMatchObject({ status: "fail", outcome: "tls_cert_expiring", detail: { daysLeft: 5, certMinDays: 14, cert: { subject: "CN=api.lab.test" } } });
    // The target's own parameter wins over the profile's default (ctx.certMinDays); 0 turns the check off.
    expect((await probe(`${uri}&certMinDays=5`, ctx()))[0]).toMatchObject({ status: "pass", outcome: "ok", detail: { daysLeft: 5 } });
    expect((await probe(`${uri}&certMinDays=6`, ctx({ certMinDays: 1 })))[0]).toMatchObject({ outcome: "tls_cert_expiring", detail: { certMinDays: 6 } });
    expect((await probe(`${uri}&certMinDays=0`, ctx({ certMinDays: 30 })))[0]).toMatchObject({ outcome: "ok" });
    expect((await probe(uri, ctx({ certMinDays: 3 })))[0]).toMatchObject({ outcome: "ok" });
    // A one-year certificate is fine by default and expiring for a profile that wants 400 days.
    expect((await probe(`tls://127.0.0.1:${good.port}`, ctx()))[0]).toMatchObject({ outcome: "ok" });
    expect((await probe(`tls://127.0.0.1:${good.port}`, ctx({ certMinDays: 400 })))[0]).toMatchObject({ outcome: "tls_cert_expiring" });
    // The destination answered: a blocked expectation fails on it.
    expect((await probe(`${uri}&expect=blocked`, ctx()))[0]).toMatchObject({ status: "fail", outcome: "tls_cert_expiring" });
  });

  it("reports expiry, not expiring, once the certificate has expired", async () => {
    const [result] = await probe(`tls://127.0.0.1:${expired.port}?servername=api.lab.test&certMinDays=30`, ctx());
    expect(result).toMatchObject({ outcome: "tls_cert_expired", detail: { daysLeft: -1 } });
  });

  it("reports a certificate from an unknown CA as untrusted", async () => {
    const [result] = await probe(`tls://127.0.0.1:${untrusted.port}?servername=api.lab.test`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "tls_cert_untrusted", detail: { cert: { issuer: "CN=someone else" } } });
  });

  it("reports a certificate for another name as a name mismatch", async () => {
    const [result] = await probe(`tls://127.0.0.1:${misnamed.port}?servername=api.lab.test`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "tls_name_mismatch", detail: { authorizationError: "ERR_TLS_CERT_ALTNAME_INVALID" } });
  });

  it("reports a peer that does not speak TLS as tls_handshake_failed", async () => {
    const [result] = await probe(`tls://127.0.0.1:${garbage.port}`, ctx());
    expect(result).toMatchObject({ status: "fail", outcome: "tls_handshake_failed" });
    expect(result!.phases.connectMs).toBeGreaterThanOrEqual(0);
  });

  it("trusts a CA given as a file in the URI (and only then)", async () => {
    const file = join(dir, "ca.pem");
    await writeFile(file, ca.certPem);
    const [without] = await probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test`, ctx({ ca: [] }));
    expect(without!.outcome).toBe("tls_cert_untrusted");
    const [withFile] = await probe(`tls://127.0.0.1:${good.port}?servername=api.lab.test&ca=${encodeURIComponent(file)}`, ctx({ ca: [] }));
    expect(withFile!.outcome).toBe("ok");
    const [missing] = await probe(`tls://127.0.0.1:${good.port}?ca=${encodeURIComponent(join(dir, "nope.pem"))}`, ctx());
    expect(missing).toMatchObject({ outcome: "invalid_target", status: "fail" });
  });

  it("reports a closed port before any handshake, and a blocked expectation passes on it", async () => {
    const [result] = await probe(`tls://127.0.0.1:${await closedTcpPort()}?expect=blocked`, ctx());
    expect(result).toMatchObject({ status: "pass", outcome: "tcp_refused", expect: "blocked" });
    const [reached] = await probe(`tls://127.0.0.1:${misnamed.port}?expect=blocked`, ctx());
    expect(reached).toMatchObject({ status: "fail", outcome: "tls_name_mismatch" });
  });
});
