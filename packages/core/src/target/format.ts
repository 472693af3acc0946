import { isIP } from "node:net";
import { splitOnce, type TlsOptions } from "./params.js";
import { DEFAULT_STATUS, type Target } from "./types.js";

// Every result carries its target's URI; a frozen target (from parseTargetCached) cannot change, so its URI is built once.
const formattedTargets = new WeakMap<Target, string>();

/** The canonical URI of a target: `parseTarget(formatTarget(t))` gives back `t`. */
export function formatTarget(target: Target): string {
  if (!Object.isFrozen(target)) return buildUri(target);
  let uri = formattedTargets.get(target);
  if (uri === undefined) formattedTargets.set(target, (uri = buildUri(target)));
  return uri;
}

function buildUri(target: Target): string {
  const query: string[] = [];
  let uri: string;
  switch (target.kind) {
    case "tcp":
      uri = `tcp://${hostPort(target.host, target.portEnd === undefined ? `${target.port}` : `${target.port}-${target.portEnd}`)}`;
      break;
    case "tls":
      uri = `tls://${hostPort(target.host, `${target.port}`)}`;
      query.push(...tlsOptionsQuery(target));
      break;
    case "http": {
      const defaultPort = target.scheme === "https" ? 443 : 80;
      const authority = target.port === defaultPort ? bracketHost(target.host) : hostPort(target.host, `${target.port}`);
      const [pathname = "/", existing] = splitOnce(target.path, "?");
      uri = `${target.scheme}://${authority}${pathname}`;
      if (existing) query.push(existing);
      query.push(...tlsOptionsQuery(target));
      if (target.status.min !== DEFAULT_STATUS.min || target.status.max !== DEFAULT_STATUS.max) {
        query.push(`expect=${target.status.min === target.status.max ? target.status.min : `${target.status.min}-${target.status.max}`}`);
      }
      break;
    }
    case "dns":
      uri = `dns://${target.resolver ? hostPort(target.resolver.host, `${target.resolver.port}`) : ""}/${target.name}`;
      if (target.recordType !== "A") query.push(`type=${target.recordType}`);
      break;
    case "udp":
      uri = `udp://${hostPort(target.host, `${target.port}`)}`;
      if (target.payloadHex) query.push(`payload=${target.payloadHex}`);
      break;
    case "icmp":
      uri = `icmp://${bracketHost(target.host)}`;
      if (target.fallbackPort !== 443) query.push(`port=${target.fallbackPort}`);
      break;
  }
  if (target.addresses === "first") query.push("addresses=first");
  if (target.expect === "blocked") query.push("expect=blocked");
  return query.length ? `${uri}?${query.join("&")}` : uri;
}

/** The query parameters of a target's TLS options, in the order `formatTarget` writes them. */
function tlsOptionsQuery(options: TlsOptions): string[] {
  const query: string[] = [];
  if (options.servername) query.push(`servername=${encodeURIComponent(options.servername)}`);
  if (options.caFile) query.push(`ca=${encodeURIComponent(options.caFile)}`);
  if (options.certMinDays !== undefined) query.push(`certMinDays=${options.certMinDays}`);
  if (options.groups) query.push(`groups=${options.groups}`);
  return query;
}

/** `host:port` with IPv6 literals in brackets. */
export function hostPort(host: string, port: string | number): string {
  return `${bracketHost(host)}:${port}`;
}

/** A host as it appears in a URI or Host header: IPv6 literals in brackets. */
export function bracketHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}
