/// <reference path="./.sst/platform/config.d.ts" />

/**
 * probemesh on AWS: `npx sst deploy --stage prod`. Settings come from the environment of
 * the deploy (see docs/deploy.md); resources live in infra/, one file per concern.
 */
export default $config({
  app(input) {
    const probeRegions = (process.env.PROBEMESH_REGIONS ?? "us-east-1").split(",");
    return {
      name: "probemesh",
      home: "aws",
      removal: input?.stage === "prod" ? "retain" : "remove",
      protect: input?.stage === "prod",
      providers: {
        aws: {
          version: "7.48.0",
          region: (process.env.PROBEMESH_HOME_REGION ?? probeRegions[0]!.trim()) as aws.Region,
        },
      },
    };
  },
  async run() {
    const { table } = await import("./infra/storage.js");
    const { probes } = await import("./infra/probes.js");
    const { scheduler } = await import("./infra/schedule.js");
    const { api } = await import("./infra/api.js");
    const { web } = await import("./infra/web.js");
    return {
      table: table.name,
      probes: $util.all(probes.map((probe) => probe.fn.name)),
      scheduler: scheduler.nodes.schedule.name,
      api: api.url,
      web: web.url,
    };
  },
});
