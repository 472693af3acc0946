import { serveStatic } from "@hono/node-server/serve-static";
import type { MiddlewareHandler } from "hono";
import { relative } from "node:path";

/**
 * The status page for the local mesh: built once by @probemesh/web into its dist dir and served
 * at `/`. If the build fails, a plain page says so and points at the API.
 */
export async function staticSite(log: (line: string) => void): Promise<MiddlewareHandler> {
  try {
    const { buildWeb } = await import("@probemesh/web/build");
    const dist = await buildWeb();
    const files = serveStatic({ root: relative(process.cwd(), dist) || ".", rewriteRequestPath: (path) => (path === "/" ? "/index.html" : path) });
    return files;
  } catch (error) {
    log(`web page not built (${(error as Error).message}); serving a plain page`);
    return async (c, next) => {
      if (c.req.path !== "/") return next();
      return c.html(
        '<!doctype html><title>probemesh</title><h1>probemesh</h1><p>The status page is not built. The API: <a href="/v1/status">/v1/status</a>, <a href="/v1/checks">/v1/checks</a>, <a href="/v1/regions">/v1/regions</a>, <a href="/openapi.json">/openapi.json</a>, <a href="/metrics">/metrics</a>.</p>',
      );
    };
  }
}
