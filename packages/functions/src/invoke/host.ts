/**
 * A region worker process of the local mesh: loads a built handler bundle
 * (PROBEMESH_HANDLER_BUNDLE) and serves it behind the Lambda Invoke API on
 * 127.0.0.1:PROBEMESH_INVOKE_PORT (0 = a free port) as PROBEMESH_FUNCTION_NAME, with the
 * function timeout PROBEMESH_FUNCTION_TIMEOUT_MS. Prints `{"url": …}` on stdout once it
 * listens; SIGTERM closes it and waits for invocations still running; the end of stdin
 * (its mesh died) ends it at once.
 */
import { pathToFileURL } from "node:url";
import { setMaxListeners } from "node:events";
import { startInvokeServer } from "./index.js";

// One round shares one abort signal across every probe in flight: many listeners are expected.
setMaxListeners(1024);

const env = process.env;
const bundle = env.PROBEMESH_HANDLER_BUNDLE;
const name = env.PROBEMESH_FUNCTION_NAME;
if (!bundle || !name) {
  console.error("invoke host: PROBEMESH_HANDLER_BUNDLE and PROBEMESH_FUNCTION_NAME are required");
  process.exit(2);
}
const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: Parameters<typeof startInvokeServer>[0]["functions"][string] };
const server = await startInvokeServer({
  functions: { [name]: handler },
  port: Number(env.PROBEMESH_INVOKE_PORT ?? 0),
  timeoutMs: Number(env.PROBEMESH_FUNCTION_TIMEOUT_MS ?? 60_000),
  region: env.AWS_REGION ?? "us-east-1",
  onAsyncError: (fn, error) => console.error(`${fn}: asynchronous invocation failed: ${String(error)}`),
});
process.stdout.write(`${JSON.stringify({ url: server.url, pid: process.pid })}\n`);
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  void server.close().then(() => process.exit(0));
};
process.on("SIGTERM", close);
process.on("SIGINT", close);
// The mesh holds our stdin open; end of file means it is gone, and so is this worker.
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
