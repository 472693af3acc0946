import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { parsePayload, ProbeSummarySchema, type ProbeInvocation, type ProbeSummary } from "./payloads.js";

/** A probe function answered with an error, or did not answer at all. */
export class ProbeInvokeError extends Error {
  override name = "ProbeInvokeError";
  constructor(
    readonly region: string,
    message: string,
  ) {
    super(`${region}: ${message}`);
  }
}

export interface ProbeInvoker {
  /** RequestResponse: waits for the region's summary; throws ProbeInvokeError. */
  run(invocation: ProbeInvocation): Promise<ProbeSummary>;
  /** Event: queued for the region's probe function (on-demand probes). */
  dispatch(invocation: ProbeInvocation): Promise<void>;
  destroy(): void;
}

export interface ProbeInvokerOptions {
  /** region → probe function name (PROBEMESH_PROBE_FUNCTIONS). */
  functions: Record<string, string>;
  /** region → Invoke endpoint (local mesh); unset = the AWS endpoint of that region. */
  endpoints?: Record<string, string>;
  /** Local endpoints need some credentials; AWS uses the default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Client-side cap on one synchronous invocation. */
  requestTimeoutMs?: number;
}

/** Invokes each region's probe function with the real Lambda client (one client per region). */
export function createProbeInvoker(options: ProbeInvokerOptions): ProbeInvoker {
  const clients = new Map<string, LambdaClient>();
  const clientFor = (region: string) => {
    let client = clients.get(region);
    if (!client) {
      const endpoint = options.endpoints?.[region];
      client = new LambdaClient({
        region,
        maxAttempts: 1,
        ...(endpoint ? { endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
        ...(options.requestTimeoutMs ? { requestHandler: { requestTimeout: options.requestTimeoutMs } } : {}),
      });
      clients.set(region, client);
    }
    return client;
  };
  const functionFor = (region: string) => {
    const name = options.functions[region];
    if (!name) throw new ProbeInvokeError(region, "no probe function configured for this region (PROBEMESH_PROBE_FUNCTIONS)");
    return name;
  };

  return {
    async run(invocation) {
      const { region } = invocation;
      let out;
      try {
        out = await clientFor(region).send(
          new InvokeCommand({ FunctionName: functionFor(region), InvocationType: "RequestResponse", Payload: JSON.stringify(invocation) }),
        );
      } catch (error) {
        if (error instanceof ProbeInvokeError) throw error;
        throw new ProbeInvokeError(region, `invoke failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
      const text = out.Payload ? Buffer.from(out.Payload).toString("utf8") : "";
      if (out.FunctionError) {
        let message = text;
        try {
          const payload = JSON.parse(text) as { errorType?: string; errorMessage?: string };
          message = `${payload.errorType ?? "Error"}: ${payload.errorMessage ?? ""}`;
        } catch {
          // not JSON: keep the raw text
        }
        throw new ProbeInvokeError(region, `probe function error (${out.FunctionError}) ${message}`.slice(0, 500));
      }
      let summary: unknown;
      try {
        summary = JSON.parse(text);
      } catch {
        throw new ProbeInvokeError(region, "probe function answered with something that is not JSON");
      }
      try {
        return parsePayload(ProbeSummarySchema, summary, "probe summary");
      } catch (error) {
        throw new ProbeInvokeError(region, (error as Error).message);
      }
    },
    async dispatch(invocation) {
      const { region } = invocation;
      try {
        await clientFor(region).send(
          new InvokeCommand({ FunctionName: functionFor(region), InvocationType: "Event", Payload: JSON.stringify(invocation) }),
        );
      } catch (error) {
        if (error instanceof ProbeInvokeError) throw error;
        throw new ProbeInvokeError(region, `invoke failed: ${(error as Error).name}: ${(error as Error).message}`);
      }
    },
    destroy() {
      for (const client of clients.values()) client.destroy();
    },
  };
}
