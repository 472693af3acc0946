import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the receiver got. */
export interface ReceivedPost {
  path: string;
  headers: IncomingHttpHeaders;
  body: any;
}

/**
 * A webhook / response_url receiver on 127.0.0.1 that records every POST in arrival order.
 * `statuses` scripts the answers (e.g. [500, 200]: fail once, then accept); after the
 * script runs out it answers 200.
 */
export async function startReceiver(statuses: number[] = []) {
  const posts: ReceivedPost[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text
      }
      posts.push({ path: req.url ?? "/", headers: req.headers, body });
      const status = statuses.shift() ?? 200;
      res.writeHead(status, status === 429 ? { "retry-after": "0" } : {}).end(status < 300 ? "ok" : "no");
      for (const w of waiters.filter((w) => posts.length >= w.count)) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = "/hook") => `http://127.0.0.1:${port}${path}`,
    posts,
    /** Resolves once `count` posts have arrived. */
    waitFor: (count: number) => new Promise<void>((resolve) => (posts.length >= count ? resolve() : waiters.push({ count, resolve }))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
