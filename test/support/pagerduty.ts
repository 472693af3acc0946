import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as v from "valibot";

/**
 * A PagerDuty Events API v2 stand-in on 127.0.0.1: it validates every event against the
 * published shape of `POST /v2/enqueue` (routing_key of 32 characters, event_action trigger |
 * acknowledge | resolve, dedup_key up to 255 characters and required unless triggering, a trigger's
 * payload with summary ≤ 1024, source, severity critical | error | warning | info, optional
 * timestamp, component, group, class, custom_details) and answers as PagerDuty does: 202
 * `{ status: "success", message: "Event processed", dedup_key }` or 400 `{ status: "invalid event", errors }`.
 */

const Payload = v.strictObject({
  summary: v.pipe(v.string(), v.minLength(1), v.maxLength(1024)),
  source: v.pipe(v.string(), v.minLength(1)),
  severity: v.picklist(["critical", "error", "warning", "info"]),
  timestamp: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  component: v.optional(v.string()),
  group: v.optional(v.string()),
  class: v.optional(v.string()),
  custom_details: v.optional(v.record(v.string(), v.unknown())),
});

export const PagerDutyEventSchema = v.pipe(
  v.strictObject({
    routing_key: v.pipe(v.string(), v.length(32)),
    event_action: v.picklist(["trigger", "acknowledge", "resolve"]),
    dedup_key: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(255))),
    payload: v.optional(Payload),
    client: v.optional(v.string()),
    client_url: v.optional(v.string()),
    links: v.optional(v.array(v.strictObject({ href: v.string(), text: v.optional(v.string()) }))),
    images: v.optional(v.array(v.strictObject({ src: v.string(), href: v.optional(v.string()), alt: v.optional(v.string()) }))),
  }),
  v.check((e) => e.event_action !== "trigger" || e.payload !== undefined, "a trigger event needs a payload"),
  v.check((e) => e.event_action === "trigger" || e.dedup_key !== undefined, "acknowledge and resolve need the dedup_key of the alert"),
);
export type PagerDutyEvent = v.InferOutput<typeof PagerDutyEventSchema>;

export async function startPagerDuty() {
  const events: PagerDutyEvent[] = [];
  const rejected: { body: unknown; errors: string[] }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = undefined;
      }
      const parsed = req.method === "POST" && req.url === "/v2/enqueue" ? v.safeParse(PagerDutyEventSchema, body) : undefined;
      if (!parsed?.success) {
        const errors = parsed ? parsed.issues.map((issue) => `${v.getDotPath(issue) ?? "event"}: ${issue.message}`) : [`${req.method} ${req.url} is not the Events API`];
        rejected.push({ body, errors });
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ status: "invalid event", message: "Event object is invalid", errors }));
        return;
      }
      events.push(parsed.output);
      const dedupKey = parsed.output.dedup_key ?? `generated-${events.length}`;
      res.writeHead(202, { "content-type": "application/json" }).end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: dedupKey }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v2/enqueue`,
    events,
    rejected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
