import { randomUUID } from "node:crypto";
import { createServer, maxHeaderSize, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from "aws-lambda";

/**
 * A local stand-in for API Gateway's HTTP API (payload format 2.0): each request becomes the
 * event Lambda would receive and goes to the API handler's `handler` export; the handler's
 * result becomes the response. Like API Gateway, it caps the body (10 MB) and answers that
 * cap itself. GET requests the `page` serves (the status page's files) never reach Lambda,
 * as on AWS, where the page is a static site.
 */

/** Any API Gateway v2 handler (hono/aws-lambda types its event a little differently from @types/aws-lambda). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ApiHandler = (event: any, context: Context) => Promise<unknown>;

export interface GatewayOptions {
  handler: ApiHandler;
  /** Serves the status page: returns false when the path is not one of its files. */
  page?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  port?: number;
  host?: string;
}

export interface Gateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** API Gateway HTTP API's payload limit. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server: Server = createServer((req, res) => {
    serve(req, res).catch((error) => {
      if (!res.headersSent) send(res, 502, { error: { code: "bad_gateway", message: `the API function failed: ${(error as Error).message}` } });
      else res.destroy();
    });
  });
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === "GET" && options.page && (await options.page(req, res))) return;
    const body = await readBody(req);
    if (body === undefined) {
      res.setHeader("connection", "close");
      return send(res, 413, { error: { code: "payload_too_large", message: `request body over ${MAX_BODY_BYTES} bytes` } });
    }
    const result = (await options.handler(toEvent(req, body), lambdaContext())) as APIGatewayProxyResult & { cookies?: string[] };
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
    if (result.cookies?.length) headers["set-cookie"] = result.cookies;
    res.writeHead(result.statusCode, headers);
    res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? "base64" : "utf8") : undefined);
  }
  server.on("clientError", answerClientError);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  // Listening on every address (PROBEMESH_HOST=0.0.0.0): loopback is still one of them.
  const host = !options.host || options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * A request node cannot parse (headers over its limit, malformed HTTP) is answered in the API's JSON
 * error shape instead of node's empty 431/400; the parser cannot go on, so the connection closes, and says so.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable || error.code === "ECONNRESET") {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === "HPE_HEADER_OVERFLOW"
      ? [431, "header_too_large", `request headers larger than ${maxHeaderSize} bytes`]
      : error.code === "HPE_REQUEST_TIMEOUT" || error.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? [408, "request_timeout", "the request did not arrive in time"]
        : [400, "bad_request", `malformed HTTP request (${error.code ?? "parse error"})`];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? "/", "http://localhost");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && name !== "cookie") headers[name] = Array.isArray(value) ? value.join(",") : value;
  const cookies = req.headers.cookie?.split(";").map((c) => c.trim()).filter(Boolean);
  const text = body.length > 0 && isText(headers["content-type"]);
  const now = new Date();
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(cookies?.length ? { cookies } : {}),
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    requestContext: {
      accountId: "000000000000",
      apiId: "local",
      domainName: headers.host ?? "127.0.0.1",
      domainPrefix: "local",
      http: { method: req.method ?? "GET", path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp: req.socket.remoteAddress ?? "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId: randomUUID(),
      routeKey: "$default",
      stage: "$default",
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString("utf8") : body.toString("base64") } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

function isText(contentType: string | undefined): boolean {
  return contentType === undefined || /^(text\/|application\/(json|x-www-form-urlencoded|xml)|[^;]*\+json)/i.test(contentType);
}

function lambdaContext(): Context {
  const deadline = Date.now() + 29_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "probemesh-api",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:probemesh-api",
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: "/aws/lambda/probemesh-api",
    logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        req.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
