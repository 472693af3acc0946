import { createHash, randomUUID } from "node:crypto";
import { BUILTIN_PRODUCTS } from "@probemesh/core/catalog";
import { checkIdOf, type Check } from "@probemesh/core/check";
import { BlockedTargetError, checkTarget, type Guard } from "@probemesh/core/guard";
import { CapExceededError, createRateLimiter, DEFAULT_CAPS, enforceCaps, RateLimitedError, type RateLimiter, type RequestCaps } from "@probemesh/core/ratelimit";
import type { Store } from "@probemesh/core/store";
import type { Target } from "@probemesh/core/target";
import { Hono, type Context } from "hono";
import { assertWebhookUrl, WebhookRefusedError, type WebhookPolicy } from "../alerts/index.js";
import { ackMessage, ephemeral, helpMessage, type SlackMessage } from "./blocks.js";
import { CommandError, parseCommand } from "./command.js";
import { SlackSignatureError, verifySlackSignature } from "./signature.js";
import { statusReply } from "./status.js";
import type { ChatopsJob } from "./worker.js";

export { signSlackRequest, verifySlackSignature, SlackSignatureError } from "./signature.js";
export { parseChatopsJob, runChatopsJob, type ChatopsJob, type WorkerDeps } from "./worker.js";
export { parseCommand, type SlackCommand } from "./command.js";

/** Everything the Slack endpoint needs; the API handler and the local mesh wire it. */
export interface ChatopsDeps {
  /** SLACK_SIGNING_SECRET; unset → every request is answered 503. */
  signingSecret?: string;
  store: Pick<Store, "claimOnce" | "hit" | "verdicts">;
  regions: string[];
  /** Regions Slack status reads verdicts over: probe regions plus agent locations (default `regions`). */
  verdictRegions?: string[];
  guard: Guard;
  /** Same contract as AppDeps.planProduct: a product's probe-ready checks; throws on unknown product/geo. */
  planProduct(product: string, geo?: string): Check[] | Promise<Check[]>;
  /** The scheduled checks, to label `/probe status`. */
  checks(): Check[] | Promise<Check[]>;
  /** Starts the asynchronous worker (Lambda InvocationType Event) with the job. */
  dispatch(job: ChatopsJob): Promise<void>;
  /** Where response_urls may point (PROBEMESH_WEBHOOK_HOSTS). */
  webhookPolicy: WebhookPolicy;
  limiter?: RateLimiter;
  caps?: RequestCaps;
  /** The freshness rule's window (core/verdict `staleAfterMs` of the interval). */
  staleAfterMs: number;
  /** Milliseconds since the epoch (tests pin it). */
  now?: () => number;
}

/** Slash-command payloads are a few hundred bytes; anything this large is not from Slack. */
const MAX_BODY_BYTES = 16 * 1024;
/** Long enough to cover Slack's retries and the 5-minute replay window. */
const DEDUP_TTL_SECONDS = 3600;

/** `POST /slack`: the `/probe` slash command. Mounted by the API at `/chatops`. */
export function chatopsRoutes(deps: ChatopsDeps): Hono {
  const limiter = deps.limiter ?? createRateLimiter(deps.store, deps.now ? { now: deps.now } : {});
  const now = deps.now ?? Date.now;
  const app = new Hono();

  app.post("/slack", async (c) => {
    if (!deps.signingSecret) return errorJson(c, 503, "unavailable", "chat-ops is not configured (SLACK_SIGNING_SECRET is unset)");
    if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) return errorJson(c, 413, "payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
    const rawBody = await c.req.text();
    if (Buffer.byteLength(rawBody) > MAX_BODY_BYTES) return errorJson(c, 413, "payload_too_large", `body larger than ${MAX_BODY_BYTES} bytes`);
    const timestamp = c.req.header("x-slack-request-timestamp");
    try {
      verifySlackSignature({
        secret: deps.signingSecret,
        timestamp,
        signature: c.req.header("x-slack-signature"),
        rawBody,
        nowSeconds: Math.floor(now() / 1000),
      });
    } catch (error) {
      if (error instanceof SlackSignatureError) return errorJson(c, 401, "bad_signature", error.message);
      throw error;
    }
    // Slack retries (X-Slack-Retry-Num) and replays carry the same timestamp and body: handle each once.
    const requestKey = createHash("sha256").update(`${timestamp}:${rawBody}`).digest("base64url");
    if (!(await deps.store.claimOnce(`slack#${requestKey}`, DEDUP_TTL_SECONDS))) return c.body(null, 200);

    const form = new URLSearchParams(rawBody);
    // Slack's periodic certificate check expects a bare 200.
    if (form.get("ssl_check") === "1") return c.body(null, 200);
    return c.json(await answer(form, deps, limiter));
  });

  return app;
}

async function answer(form: URLSearchParams, deps: ChatopsDeps, limiter: RateLimiter): Promise<SlackMessage> {
  const team = form.get("team_id");
  const user = form.get("user_id");
  const responseUrl = form.get("response_url");
  if (!team || !user || !responseUrl) return ephemeral("This request lacks team_id, user_id or response_url; is the slash command set up as the README says?");

  let command;
  try {
    command = parseCommand(form.get("text") ?? "", deps.regions);
  } catch (error) {
    if (error instanceof CommandError) return ephemeral(error.message, "Try `/probe help`.");
    throw error;
  }
  if (command.kind === "help") return helpMessage(deps.regions, BUILTIN_PRODUCTS);

  try {
    await limiter.consume({ "slack-user": `${team}:${user}`, "slack-team": team });
  } catch (error) {
    if (error instanceof RateLimitedError) return ephemeral(`:no_entry: Slow down: ${error.message}.`);
    throw error;
  }
  if (command.kind === "status") return statusReply(command.product, deps);

  const what = command.kind === "probe" ? command.targets.join(" ") : `${command.product}${command.geo ? `:${command.geo}` : ""}`;
  let checks: Check[];
  const refused: string[] = [];
  try {
    if (command.kind === "probe") {
      checks = command.targets.map((target) => ({ checkId: checkIdOf("probe", target), target }));
      enforceCaps(checks.map((check) => checkTarget(check.target, deps.guard)), deps.caps ?? DEFAULT_CAPS);
    } else {
      // A product's catalog may list loopback or private rows (e.g. agent ports): those are skipped, not fatal.
      const targets: Target[] = [];
      checks = [];
      for (const check of await deps.planProduct(command.product, command.geo)) {
        try {
          targets.push(checkTarget(check.target, deps.guard));
          checks.push(check);
        } catch (error) {
          if (!(error instanceof BlockedTargetError)) throw error;
          refused.push(`${check.target} (${error.reason === "blocked_address" ? error.info.range : error.reason})`);
        }
      }
      if (checks.length === 0) return ephemeral(`${what} has nothing to probe on demand.`, refused.length ? `Refused: ${refused.join(", ")}` : undefined);
      enforceCaps(targets, deps.caps ?? DEFAULT_CAPS);
    }
  } catch (error) {
    if (error instanceof BlockedTargetError) return ephemeral(`:no_entry: Refused: ${error.message}`, "On-demand probes may not reach private, loopback, link-local or metadata addresses, nor ports outside the policy.");
    if (error instanceof CapExceededError) return ephemeral(`:no_entry: Too large: ${error.message}.`);
    if (command.kind === "product" && error instanceof Error) return ephemeral(error.message, "Try `/probe help`.");
    throw error;
  }

  try {
    assertWebhookUrl(responseUrl, deps.webhookPolicy);
  } catch (error) {
    if (error instanceof WebhookRefusedError) return ephemeral(`I could not post results back: ${error.message}`);
    throw error;
  }

  const job: ChatopsJob = { kind: "slack-probe", id: randomUUID(), what, checks, regions: command.regions, responseUrl, requestedBy: `slack:${team}:${user}` };
  try {
    await deps.dispatch(job);
  } catch (error) {
    console.error("chatops: worker dispatch failed:", error);
    return ephemeral(":warning: The probe could not be started; please try again in a minute.");
  }
  const ack = ackMessage(what, command.regions, checks.length);
  if (refused.length > 0) ack.blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: `Skipped by the SSRF guard: ${refused.join(", ")}` }] });
  return ack;
}

function errorJson(c: Context, status: 401 | 413 | 503, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status);
}
