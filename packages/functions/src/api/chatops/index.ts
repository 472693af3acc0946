import { Hono } from "hono";
import * as v from "valibot";
import { Unavailable } from "../errors/index.js";
import { documented } from "../openapi/index.js";

/** A Slack message (`response_type`, `text`, `blocks`), as Slack renders it to the user. */
const SlackMessageBody = v.pipe(
  v.looseObject({
    response_type: v.optional(v.picklist(["ephemeral", "in_channel"])),
    text: v.optional(v.string()),
    blocks: v.optional(v.array(v.looseObject({ type: v.string() }))),
  }),
  v.description("A Slack message; empty for a duplicate delivery or Slack's ssl_check"),
);

/** Slack's slash-command form post (the fields the command reads). */
const SlashCommandForm = v.looseObject({
  team_id: v.string(),
  user_id: v.string(),
  response_url: v.pipe(v.string(), v.description("Where the results are posted when the probe is done")),
  text: v.optional(v.pipe(v.string(), v.description("The command: `help`, `status [product]`, `<target>…`, `<product>[:geo]`, optional `in <regions>`"))),
  ssl_check: v.optional(v.literal("1")),
});

const SLACK_DOC = documented({
  operationId: "postSlackCommand",
  summary: "Slack's `/probe` slash command (signed by Slack); 503 when chat-ops is not configured",
  tag: "chatops",
  security: "slackSignature",
  parameters: [{ name: "X-Slack-Request-Timestamp", in: "header", required: true, description: "Unix seconds; more than 5 minutes off is refused" }],
  requestBody: { media: "application/x-www-form-urlencoded", description: "The slash-command payload Slack posts", schema: SlashCommandForm },
  ok: { status: 200, description: "The reply Slack shows the user", schema: SlackMessageBody },
  errors: { 401: "Missing, stale or wrong signature", 413: "Body over 16 KiB", 503: "Chat-ops is not configured (no SLACK_SIGNING_SECRET)" },
});

/**
 * `POST /chatops/slack`, always routed and documented: the chat-ops app when configured (it
 * answers the command), else 503 in the error shape, as is anything else under /chatops.
 */
export function chatopsMount(chatops: Hono | undefined): Hono {
  const app = new Hono().post("/chatops/slack", SLACK_DOC, async (_c, next) => {
    if (!chatops) throw new Unavailable("chat-ops is not configured");
    await next();
  });
  if (chatops) return app.route("/chatops", chatops);
  return app.all("/chatops/*", () => {
    throw new Unavailable("chat-ops is not configured");
  });
}
