import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Context } from "aws-lambda";

/**
 * A local stand-in for the Lambda Invoke API (`POST /2015-03-31/functions/{name}/invocations`),
 * faithful enough that the real `@aws-sdk/client-lambda` client talks to it unchanged:
 * RequestResponse → 200 + payload, Event → 202, DryRun → 204, handler error → 200 with
 * `X-Amz-Function-Error: Unhandled`, unknown function → 404 ResourceNotFoundException.
 */

/** A Lambda handler in the Node runtime's async shape. */
export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

export interface InvokeServerOptions {
  functions: Record<string, LambdaHandler>;
  host?: string;
  port?: number;
  /** Function timeout, as configured on AWS; the handler sees it via getRemainingTimeInMillis(). */
  timeoutMs?: number;
  /** Region reported in ARNs and error messages. */
  region?: string;
  /** Called when an asynchronous (Event) invocation fails; AWS would retry or drop it. */
  onAsyncError?: (functionName: string, error: unknown) => void;
}

export interface InvokeServer {
  url: string;
  port: number;
  /** Invocations accepted so far (RequestResponse and Event). */
  invocations(): number;
  /** Stops accepting requests and waits for asynchronous invocations still running. */
  close(): Promise<void>;
}

const ACCOUNT = "000000000000";
const SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024;
const ASYNC_PAYLOAD_LIMIT = 1024 * 1024;
const PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** Starts the Invoke API on `host:port` (default 127.0.0.1, a free port). */
export async function startInvokeServer(options: InvokeServerOptions): Promise<InvokeServer> {
  const region = options.region ?? "us-east-1";
  const timeoutMs = options.timeoutMs ?? 60_000;
  const running = new Set<Promise<unknown>>();
  let invocations = 0;

  const server = createServer((req, res) => {
    serve(req, res).catch((error) => {
      if (!res.headersSent) sendError(res, 500, "ServiceException", String(error));
      else res.destroy();
    });
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = PATH.exec(url.pathname);
    if (req.method !== "POST" || !match) {
      return sendError(res, 404, "UnknownOperationException", "Unknown operation");
    }
    const name = functionNameOf(decodeURIComponent(match[1]!));
    const arn = `arn:aws:lambda:${region}:${ACCOUNT}:function:${name}`;
    const handler = Object.hasOwn(options.functions, name) ? options.functions[name] : undefined;
    if (!handler) {
      return sendError(res, 404, "ResourceNotFoundException", `Function not found: ${arn}`);
    }
    const invocationType = header(req, "x-amz-invocation-type") ?? "RequestResponse";
    if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
      return sendError(res, 400, "InvalidParameterValueException", `Unsupported InvocationType: ${invocationType}`);
    }
    const limit = invocationType === "Event" ? ASYNC_PAYLOAD_LIMIT : SYNC_PAYLOAD_LIMIT;
    const body = await readBody(req, limit);
    if (body === undefined) {
      return sendError(res, 413, "RequestTooLargeException", `Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
    }
    let event: unknown = {};
    if (body.length > 0) {
      try {
        event = JSON.parse(body.toString("utf8"));
      } catch (error) {
        return sendError(res, 400, "InvalidRequestContentException", `Could not parse request body into json: ${(error as Error).message}`);
      }
    }
    const requestId = randomUUID();
    if (invocationType === "DryRun") {
      res.writeHead(204, { "x-amzn-requestid": requestId }).end();
      return;
    }
    const context = lambdaContext(name, arn, region, requestId, timeoutMs);
    invocations += 1;
    if (invocationType === "Event") {
      res.writeHead(202, { "x-amzn-requestid": requestId, "content-length": "0" }).end();
      const task = runWithTimeout(handler, event, context, timeoutMs)
        .then((outcome) => {
          if (outcome.error) options.onAsyncError?.(name, outcome.error);
        })
        .finally(() => running.delete(task));
      running.add(task);
      return;
    }
    const outcome = await runWithTimeout(handler, event, context, timeoutMs);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amz-executed-version": "$LATEST",
    };
    if (outcome.error) {
      headers["x-amz-function-error"] = "Unhandled";
      res.writeHead(200, headers).end(JSON.stringify(errorPayload(outcome.error)));
      return;
    }
    res.writeHead(200, headers).end(JSON.stringify(outcome.value ?? null));
  }

  // The invokers keep their connections between rounds (maxAttempts 1, no retry): with node's 5 s
  // default the server closes an idle connection just as the next round reuses it, and that round's
  // invocation fails with ECONNRESET ("socket hang up"). Idle connections stay longer than any interval.
  server.keepAliveTimeout = 15 * 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    invocations: () => invocations,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.allSettled([...running]);
    },
  };
}

/** Accepts a bare name, a partial ARN (`account:function:name`) or a full ARN, with an optional qualifier. */
function functionNameOf(raw: string): string {
  const parts = raw.split(":");
  const at = parts.indexOf("function");
  return at >= 0 && parts[at + 1] ? parts[at + 1]! : parts[0]!;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res
    .writeHead(status, {
      "content-type": "application/json",
      "x-amzn-errortype": type,
      "x-amzn-requestid": randomUUID(),
    })
    .end(JSON.stringify({ Type: "User", message }));
}

type Outcome = { value?: unknown; error?: unknown };

class TimeoutError extends Error {
  constructor(requestId: string, timeoutMs: number) {
    super(`RequestId: ${requestId} Error: Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`);
    this.name = "Sandbox.Timedout";
  }
}

async function runWithTimeout(handler: LambdaHandler, event: unknown, context: Context, timeoutMs: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ error: new TimeoutError(context.awsRequestId, timeoutMs) }), timeoutMs);
  });
  const run = (async (): Promise<Outcome> => {
    try {
      return { value: await handler(event, context) };
    } catch (error) {
      return { error: error ?? new Error("handler threw a falsy value") };
    }
  })();
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The payload AWS returns for an unhandled error in the Node runtime. */
function errorPayload(error: unknown): { errorType: string; errorMessage: string; trace?: string[] } {
  if (error instanceof Error) {
    return {
      errorType: error.name || "Error",
      errorMessage: error.message,
      ...(error instanceof TimeoutError ? {} : { trace: (error.stack ?? "").split("\n") }),
    };
  }
  return { errorType: "Error", errorMessage: String(error) };
}

function lambdaContext(name: string, arn: string, region: string, requestId: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  const unsupported = () => {
    throw new Error("callback-style completion is not supported; return a promise");
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: arn,
    memoryLimitInMB: "1024",
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: `local/${region}/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
