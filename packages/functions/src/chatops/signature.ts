import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack request signing, exactly as Slack documents it: the base string is
 * `v0:${X-Slack-Request-Timestamp}:${raw body}`, signed with HMAC-SHA256 and the app's
 * signing secret, sent as `X-Slack-Signature: v0=<hex>`; requests whose timestamp is more
 * than five minutes from now are refused (replays).
 */

export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export type SignatureProblem = "missing" | "malformed" | "stale" | "mismatch";

/** The request is not provably from Slack; answered 401 without details beyond `problem`. */
export class SlackSignatureError extends Error {
  override name = "SlackSignatureError";
  constructor(readonly problem: SignatureProblem) {
    super(
      {
        missing: "missing X-Slack-Signature or X-Slack-Request-Timestamp",
        malformed: "malformed Slack signature or timestamp",
        stale: "Slack request timestamp is more than 5 minutes from now",
        mismatch: "Slack signature does not match",
      }[problem],
    );
  }
}

/** `v0=<hex>` for a body and timestamp (tests and local tools sign with it). */
export function signSlackRequest(secret: string, timestamp: string, rawBody: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex")}`;
}

/** Throws SlackSignatureError unless the request is signed with `secret` and fresh. */
export function verifySlackSignature(input: {
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  rawBody: string;
  nowSeconds: number;
}): void {
  const { timestamp, signature } = input;
  if (!timestamp || !signature) throw new SlackSignatureError("missing");
  if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) throw new SlackSignatureError("malformed");
  if (Math.abs(input.nowSeconds - Number(timestamp)) > MAX_CLOCK_SKEW_SECONDS) throw new SlackSignatureError("stale");
  const expected = Buffer.from(signSlackRequest(input.secret, timestamp, input.rawBody));
  const given = Buffer.from(signature);
  // Both are "v0=" + 64 hex digits here, so lengths match and the compare is constant-time.
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new SlackSignatureError("mismatch");
}
