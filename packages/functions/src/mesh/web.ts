import type { IncomingMessage, ServerResponse } from "node:http";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono } from "hono";
import { relative } from "node:path";

/** Paths that belong to the API (they go to the API function, never to the page). */
const API_PATHS = /^\/(v1|chatops)(\/|$)|^\/(healthz|metrics|openapi\.json)$/;

/**
 * The status page for the local mesh: built once by @probemesh/web into its dist dir and served
 * at `/` beside the API, as the static site is on AWS. If the build fails, a plain page says so
 * and points at the API.
 */
export async function staticPage(log: (line: string) => void): Promise<(req: IncomingMessage, res: ServerResponse) => Promise<boolean>> {
  const site = new Hono();
  try {
    const { buildWeb } = await import("@probemesh/web/build");
    const dist = await buildWeb();
    site.use(serveStatic({ root: relative(process.cwd(), dist) || ".", rewriteRequestPath: (path) => (path === "/" ? "/index.html" : path) }));
  } catch (error) {
    log(`web page not built (${(error as Error).message}); serving a plain page`);
    site.get("/", (c) =>
      c.html(
        '<!doctype html><title>probemesh</title><h1>probemesh</h1><p>The status page is not built. The API: <a href="/v1/status">/v1/status</a>, <a href="/v1/checks">/v1/checks</a>, <a href="/v1/regions">/v1/regions</a>, <a href="/openapi.json">/openapi.json</a>, <a href="/metrics">/metrics</a>.</p>',
      ),
    );
  }
  return async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (API_PATHS.test(url.pathname)) return false;
    const response = await site.fetch(new Request(url, { method: "GET" }));
    if (response.status === 404) return false;
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    return true;
  };
}
