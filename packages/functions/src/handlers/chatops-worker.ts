import { parseChatopsJob, runChatopsJob } from "../chatops/index.js";
import { runtimeFromEnv, type Runtime } from "../runtime/index.js";

/**
 * The chat-ops worker Lambda, invoked asynchronously (InvocationType Event) by the slash-command
 * function: runs the on-demand probe in every requested region and posts to Slack's response_url.
 */
export function chatopsWorkerFor(runtime: () => Promise<Runtime>) {
  return async (event: unknown): Promise<void> => {
    const job = parseChatopsJob(event);
    const { store, invoker, settings } = await runtime();
    await runChatopsJob(job, { store, dispatchProbe: (invocation) => invoker.dispatch(invocation), webhookPolicy: { allowedHosts: settings.webhookHosts } });
  };
}

export const handler = chatopsWorkerFor(runtimeFromEnv);
