import { parseChatopsJob, runChatopsJob } from "../chatops/index.js";
import { runtimeFromEnv } from "../config/runtime.js";

/**
 * The chat-ops worker Lambda, invoked asynchronously (InvocationType Event) by the slash-command
 * function: runs the on-demand probe in every requested region and posts to Slack's response_url.
 */
export async function handler(event: unknown): Promise<void> {
  const job = parseChatopsJob(event);
  const runtime = await runtimeFromEnv();
  await runChatopsJob(job, {
    store: runtime.store,
    dispatchProbe: (invocation) => runtime.invoker.dispatch(invocation),
    webhookPolicy: { allowedHosts: runtime.config.webhookHosts },
  });
}
