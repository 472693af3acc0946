import type { Context } from "aws-lambda";
import { createProbeFunction, probeDepsOf } from "../probe/index.js";
import { runtimeFromEnv } from "../runtime/index.js";

/** The probe function's Lambda entry point: runs one region's checks (probe/), wired on first use. */
let probe: ReturnType<typeof createProbeFunction> | undefined;

export async function handler(event: unknown, context: Context) {
  if (!probe) {
    const runtime = await runtimeFromEnv();
    probe = createProbeFunction(probeDepsOf(runtime, runtime.settings.awsRegion));
  }
  return probe(event, context);
}
