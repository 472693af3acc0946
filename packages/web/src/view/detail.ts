/**
 * A probe result's `detail` as fields a person reads ("TLS: TLSv1.3", "Certificate valid until:
 * Mar 1, 2027"), not JSON: known keys get a label and a format, unknown keys their name in words.
 */

export interface DetailField {
  label: string;
  value: string;
}

type Format = (value: unknown) => string | undefined;

const text: Format = (value) => (value === undefined || value === null || value === "" ? undefined : String(value));
const ms: Format = (value) => (typeof value === "number" ? `${Math.round(value * 10) / 10} ms` : text(value));
const date: Format = (value) => {
  const at = typeof value === "string" ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? text(value) : new Date(at).toISOString().slice(0, 10);
};
const names: Format = (value) => {
  if (!Array.isArray(value)) return text(value);
  const shown = value.slice(0, 4).map((name) => String(name).replace(/^DNS:/, ""));
  return value.length > 4 ? `${shown.join(", ")} and ${value.length - 4} more` : shown.join(", ") || undefined;
};
/** "CN=api.example.com, O=Example" → "api.example.com (Example)". */
const distinguished: Format = (value) => {
  if (typeof value !== "string" || value === "") return text(value);
  const parts = Object.fromEntries(value.split(/,\s*/).map((part) => part.split("=") as [string, string]));
  if (!parts.CN) return value;
  return parts.O ? `${parts.CN} (${parts.O})` : parts.CN;
};

/** Known keys in the order they read best; anything else follows in its own order. */
const KNOWN: Array<[key: string, label: string, format: Format]> = [
  ["error", "Error", text],
  ["errno", "Error code", text],
  ["authorizationError", "Certificate problem", text],
  ["daysLeft", "Certificate days left", text],
  ["status", "HTTP status", text],
  ["httpStatus", "HTTP status", text],
  ["protocol", "TLS", text],
  ["cipher", "Cipher", text],
  ["alpn", "ALPN", text],
  ["servername", "Server name sent", text],
  ["cert.subject", "Certificate for", distinguished],
  ["cert.san", "Certificate names", names],
  ["cert.issuer", "Issued by", distinguished],
  ["cert.validFrom", "Valid from", date],
  ["cert.validTo", "Valid until", date],
  ["proxyStatus", "Proxy answer", text],
  ["rttMs", "Round trip", ms],
  ["replyBytes", "Reply bytes", text],
  ["meaning", "Meaning", text],
  ["waitedMs", "Waited", ms],
  ["icmp", "ICMP", text],
  ["attempts", "Attempts", text],
  ["unroutedAddresses", "No route from here to", names],
  ["labPort", "Lab port", text],
  ["labNote", "Lab", text],
];
/** Too long or too technical for the table; still in the API's JSON. */
const HIDDEN = new Set(["cert.serialNumber", "cert.fingerprint256", "replyHex", "selfConnect"]);

function flatten(detail: Record<string, unknown>, prefix = ""): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [key, value] of Object.entries(detail)) {
    const path = prefix + key;
    if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of flatten(value as Record<string, unknown>, `${path}.`)) flat.set(k, v);
    else flat.set(path, value);
  }
  return flat;
}

/** "connectMs" → "Connect ms", "cert.keyBits" → "Cert key bits". */
function words(path: string): string {
  const spaced = path.replace(/\./g, " ").replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function generic(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.map((v) => (typeof v === "object" ? JSON.stringify(v) : String(v))).join(", ") || undefined;
  return text(value);
}

/** The fields of a result's detail, labelled and formatted; empty values are left out. */
export function detailFields(detail: Record<string, unknown> | null | undefined): DetailField[] {
  if (!detail) return [];
  const flat = flatten(detail);
  const fields: DetailField[] = [];
  for (const [key, label, format] of KNOWN) {
    if (!flat.has(key)) continue;
    const value = format(flat.get(key));
    flat.delete(key);
    if (value !== undefined) fields.push({ label, value });
  }
  for (const [key, raw] of flat) {
    if (HIDDEN.has(key)) continue;
    const value = generic(raw);
    if (value !== undefined) fields.push({ label: words(key), value });
  }
  return fields;
}
