// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { isIP } from "node:net";
import * as x509 from "@peculiar/x509";

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const KEY_ALGORITHM = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING_ALGORITHM = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;

/** A certificate authority: PEMs for trust stores plus the key material to sign with. */
export interface CertificateAuthority {
  /** PEM of the CA certificate: hand it to `ProbeContext.ca` or `tls.connect({ ca })`. */
  certPem: string;
  keyPem: string;
  name: string;
  /** Signing key and certificate object, for `issueCert`. */
  keys: CryptoKeyPair;
  cert: x509.X509Certificate;
}

/** A leaf certificate with its private key, ready for `tls.createServer({ cert, key })`. */
export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface CreateCAOptions {
  /** Common name of the CA (default "probemesh test CA"). */
  name?: string;
  notBefore?: Date;
  notAfter?: Date;
}

export interface IssueCertOptions {
  /** DNS names and IP addresses for the subjectAltName; the first one is also the CN. */
  names: string[];
  notBefore?: Date;
  notAfter?: Date;
}

/** Creates a self-signed CA (ECDSA P-256) valid from yesterday for ten years unless told otherwise. */
export async function createCA(options: CreateCAOptions = {}): Promise<CertificateAuthority> {
  const name = options.name ?? "probemesh test CA";
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${escapeDnValue(name)}`,
    keys,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + 3650 * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey), name, keys, cert };
}

/**
 * Issues a server certificate signed by `ca` for `names` (DNS names or IP literals).
 * Pass past dates to get an expired certificate, another CA to get an untrusted one.
 */
export async function issueCert(ca: CertificateAuthority, options: IssueCertOptions): Promise<IssuedCert> {
  const [commonName] = options.names;
  if (commonName === undefined) throw new Error("issueCert needs at least one name");
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${escapeDnValue(commonName)}`,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    notBefore: options.notBefore ?? new Date(Date.now() - DAY_MS),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(
        options.names.map((value) => ({ type: isIP(value) ? ("ip" as const) : ("dns" as const), value })),
      ),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await privateKeyPem(keys.privateKey) };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ["sign", "verify"])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** RFC 4514: commas, plus signs and the like must not split the DN. */
function escapeDnValue(value: string): string {
  return value.replace(/[,+"\\<>;=]/g, (c) => `\\${c}`);
}
