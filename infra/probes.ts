import { FUNCTION_SIZES } from "../packages/core/src/cost/functions.js";
import { settings } from "./config.js";
import { logging, profileFiles, sharedEnvironment, FUNCTION_ARCHITECTURE, FUNCTION_RUNTIME } from "./environment.js";
import { probeGrants } from "./permissions.js";
import { regionId } from "./settings.js";
import { spoolQueue } from "./spool.js";
import { tableArns } from "./storage.js";

/**
 * One probe function per probe region (PROBEMESH_REGIONS), each deployed through its own
 * regional provider so the checks really leave from that region. A region listed in
 * PROBEMESH_PROBE_VPC runs inside the customer's subnets (where their data planes run);
 * those subnets need a NAT or endpoints to reach DynamoDB and the vendors' hosts.
 */
export const probes = settings.probeRegions.map((region) => {
  const provider = new aws.Provider(`Aws${regionId(region)}`, { region: region as aws.Region });
  const vpc = settings.probeVpcs[region];
  const spool = spoolQueue(`Spool${regionId(region)}`, provider);
  const fn = new sst.aws.Function(
    `Probe${regionId(region)}`,
    {
      description: `probemesh probe (${region})`,
      handler: "packages/functions/src/handlers/probe.handler",
      runtime: FUNCTION_RUNTIME,
      architecture: FUNCTION_ARCHITECTURE,
      // Sizes live in core/cost/functions.ts, where `probemesh cost` prices them.
      memory: `${FUNCTION_SIZES.probe.memoryMb} MB`,
      timeout: `${FUNCTION_SIZES.probe.timeoutS} seconds`,
      environment: { ...sharedEnvironment, PROBEMESH_SPOOL_QUEUES: spoolQueuesJsonOf([{ region, url: spool.url }]) },
      copyFiles: profileFiles,
      permissions: probeGrants(tableArns, spool.arn),
      logging,
      ...(vpc ? { vpc } : {}),
    },
    { provider },
  );
  return { region, fn, spool };
});

/** Exact ARNs of the probe functions, for the scheduler's, API's and worker's invoke grants. */
export const probeFunctionArns = probes.map((probe) => probe.fn.arn);

/** PROBEMESH_PROBE_FUNCTIONS: JSON { awsRegion: functionName }. */
export const probeFunctionsJson = $util
  .all(probes.map((probe) => probe.fn.name))
  .apply((names) => JSON.stringify(Object.fromEntries(probes.map((probe, i) => [probe.region, names[i]]))));

/** PROBEMESH_SPOOL_QUEUES: JSON { awsRegion: queueUrl }. */
function spoolQueuesJsonOf(queues: Array<{ region: string; url: $util.Output<string> }>) {
  return $util.all(queues.map((q) => q.url)).apply((urls) => JSON.stringify(Object.fromEntries(queues.map((q, i) => [q.region, urls[i]]))));
}

/** Every region's spool, for the API's /healthz depth. */
export const spoolQueuesJson = spoolQueuesJsonOf(probes.map((probe) => ({ region: probe.region, url: probe.spool.url })));
export const spoolQueueArns = probes.map((probe) => probe.spool.arn);
