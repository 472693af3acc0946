import { api } from "./api.js";

/**
 * The status page, built by packages/web (`npm run build -- <outDir> --api-url <url>`) into
 * packages/web/dist and served from S3 + CloudFront; it calls the API on its own origin.
 */
export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: $interpolate`npm run build -- dist --api-url ${api.url}`, output: "dist" },
});
