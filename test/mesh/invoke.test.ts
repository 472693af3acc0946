import { InvokeCommand, LambdaClient, ResourceNotFoundException } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInvokeServer, type InvokeServer } from "../../packages/functions/src/invoke/index.js";

const decode = (payload?: Uint8Array) => (payload ? JSON.parse(Buffer.from(payload).toString("utf8")) : undefined);

describe("Lambda Invoke emulator, driven by the real LambdaClient", () => {
  let server: InvokeServer;
  let client: LambdaClient;
  const asyncEvents: unknown[] = [];
  let asyncDone: () => void;
  const asyncSeen = new Promise<void>((resolve) => (asyncDone = resolve));

  beforeAll(async () => {
    server = await startInvokeServer({
      region: "eu-west-1",
      timeoutMs: 500,
      functions: {
        echo: async (event, context) => ({ event, remainingMs: context.getRemainingTimeInMillis(), name: context.functionName }),
        boom: async () => {
          throw new TypeError("boom");
        },
        sleepy: () => new Promise((resolve) => setTimeout(resolve, 2_000)),
        collect: async (event) => {
          asyncEvents.push(event);
          asyncDone();
        },
      },
    });
    client = new LambdaClient({
      region: "eu-west-1",
      endpoint: server.url,
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    client?.destroy();
    await server?.close();
  });

  it("RequestResponse → 200 with the handler's payload and a Lambda context", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "echo", Payload: JSON.stringify({ hello: "world" }) }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    const body = decode(out.Payload);
    expect(body.event).toEqual({ hello: "world" });
    expect(body.name).toBe("echo");
    expect(body.remainingMs).toBeGreaterThan(0);
    expect(body.remainingMs).toBeLessThanOrEqual(500);
  });

  it("accepts a full ARN as the function name", async () => {
    const out = await client.send(
      new InvokeCommand({ FunctionName: "arn:aws:lambda:eu-west-1:000000000000:function:echo", Payload: "{}" }),
    );
    expect(out.StatusCode).toBe(200);
    expect(decode(out.Payload).name).toBe("echo");
  });

  it("Event → 202 and the handler runs afterwards", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "collect", InvocationType: "Event", Payload: JSON.stringify({ n: 1 }) }));
    expect(out.StatusCode).toBe(202);
    await asyncSeen;
    expect(asyncEvents).toEqual([{ n: 1 }]);
  });

  it("DryRun → 204 without running the handler", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "boom", InvocationType: "DryRun" }));
    expect(out.StatusCode).toBe(204);
  });

  it("a handler that throws → 200 with X-Amz-Function-Error: Unhandled and the AWS error payload", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "boom", Payload: "{}" }));
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    const body = decode(out.Payload);
    expect(body.errorType).toBe("TypeError");
    expect(body.errorMessage).toBe("boom");
    expect(Array.isArray(body.trace)).toBe(true);
  });

  it("a handler that outlives the function timeout → Unhandled Sandbox.Timedout", async () => {
    const out = await client.send(new InvokeCommand({ FunctionName: "sleepy", Payload: "{}" }));
    expect(out.FunctionError).toBe("Unhandled");
    expect(decode(out.Payload)).toMatchObject({ errorType: "Sandbox.Timedout" });
    expect(decode(out.Payload).errorMessage).toMatch(/Task timed out after 0.50 seconds/);
  });

  it("unknown function → 404 ResourceNotFoundException", async () => {
    const error = await client.send(new InvokeCommand({ FunctionName: "nope", Payload: "{}" })).catch((e) => e);
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.message).toMatch(/Function not found: arn:aws:lambda:eu-west-1:\d+:function:nope/);
  });

  it("a payload that is not JSON → 400 InvalidRequestContentException", async () => {
    const error = await client.send(new InvokeCommand({ FunctionName: "echo", Payload: "{not json" })).catch((e) => e);
    expect(error.name).toBe("InvalidRequestContentException");
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it("the raw wire format: 404 carries x-amzn-errortype", async () => {
    const res = await fetch(`${server.url}/2015-03-31/functions/missing/invocations`, { method: "POST", body: "{}" });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
    const unhandled = await fetch(`${server.url}/2015-03-31/functions/boom/invocations`, { method: "POST", body: "{}" });
    expect(unhandled.status).toBe(200);
    expect(unhandled.headers.get("x-amz-function-error")).toBe("Unhandled");
  });
});
