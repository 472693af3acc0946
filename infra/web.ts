import { api } from "./api.js";

/**
 * The status page, built by packages/web into packages/web/dist and served from S3 +
 * CloudFront. It reads the API at PROBEMESH_API_URL, baked in at build time.
 */
export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  environment: { PROBEMESH_API_URL: api.url },
});
