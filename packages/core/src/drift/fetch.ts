/**
 * Fetches a watched vendor page. Only hosts named in the profile's `watch` list, only http(s),
 * every resolved address checked by the SSRF guard and the connection pinned to the checked
 * address (no second lookup to rebind), redirects not followed, the body capped at the import cap.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Guard } from "../guard/index.js";
import { MAX_PAGE_BYTES } from "../import/index.js";

/** The page was not fetched: refused by the watch list or guard, or the server did not give it. */
export class WatchFetchError extends Error {
  override name = "WatchFetchError";
}

export interface FetchPageOptions {
  /** Hosts the profile's `watch` list names. */
  watchedHosts: readonly string[];
  guard: Guard;
  timeoutMs?: number;
  /** Name resolution (tests may pass a fixed one); default: the system resolver. */
  resolve?: (host: string) => Promise<string[]>;
}

/** GET `url` as text, or a WatchFetchError saying why not. */
export async function fetchWatchedPage(url: string, options: FetchPageOptions): Promise<string> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WatchFetchError(`not a URL: ${url.slice(0, 100)}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new WatchFetchError(`${parsed.protocol}// pages are not fetched (http or https only)`);
  if (parsed.username || parsed.password) throw new WatchFetchError("watched URLs may not carry credentials");
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (!options.watchedHosts.some((h) => h.toLowerCase() === host)) throw new WatchFetchError(`${host} is not a host of the profile's watch list`);
  const port = Number(parsed.port || (parsed.protocol === "https:" ? 443 : 80));
  const resolve = options.resolve ?? (async (name: string) => (await dnsLookup(name, { all: true })).map((a) => a.address));
  const addresses = isIP(host) ? [host] : await resolve(host);
  if (addresses.length === 0) throw new WatchFetchError(`${host} did not resolve`);
  try {
    for (const address of addresses) options.guard.assertAddress(address);
    options.guard.assertPorts(port);
  } catch (error) {
    throw new WatchFetchError((error as Error).message);
  }
  return get(parsed, addresses[0]!, options.timeoutMs ?? 15_000);
}

function get(url: URL, address: string, timeoutMs: number): Promise<string> {
  const pinned: LookupFunction = (_name, opts, callback) => {
    if ((opts as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family: isIP(address) }]);
    else callback(null, address, isIP(address));
  };
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: "GET", agent: false, lookup: pinned, timeout: timeoutMs, headers: { accept: "text/html, text/markdown, text/plain, */*" } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new WatchFetchError(`${url.host} answered HTTP ${res.statusCode}${res.headers.location ? ` (redirect to ${res.headers.location} not followed)` : ""}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_PAGE_BYTES) {
          req.destroy(new WatchFetchError(`${url.host}: page larger than the ${MAX_PAGE_BYTES / 1024 / 1024} MB input cap`));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new WatchFetchError(`${url.host} did not answer within ${timeoutMs} ms`)));
    req.on("error", (error) => reject(error instanceof WatchFetchError ? error : new WatchFetchError(`${url.host}: ${error.message}`)));
    req.end();
  });
}
