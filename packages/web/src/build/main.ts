import { parseArgs } from "node:util";
import { buildWeb } from "./index.js";

/**
 * `npm run build -w @probemesh/web -- [outDir] [--api-url URL]`: builds the static
 * status page, e.g. for the SST static site that talks to the API on another origin.
 */
try {
  const { values, positionals } = parseArgs({ options: { "api-url": { type: "string" } }, allowPositionals: true });
  if (positionals.length > 1) throw new Error("usage: build [outDir] [--api-url URL]");
  const apiUrl = values["api-url"];
  if (apiUrl !== undefined && !/^https?:\/\//.test(apiUrl)) throw new Error(`--api-url must be an http(s) URL, got ${apiUrl}`);
  const dist = await buildWeb(positionals[0], apiUrl === undefined ? {} : { apiUrl });
  process.stdout.write(`${dist}\n`);
} catch (err) {
  process.stderr.write(`web build: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
