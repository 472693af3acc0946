import { describe, expect, it } from "vitest";
import { signSlackRequest, SlackSignatureError, verifySlackSignature } from "./signature.js";

// Slack's published walk-through values (api.slack.com/authentication/verifying-requests-from-slack).
const DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const DOC_TIMESTAMP = "1531420618";
const DOC_BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOC_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const NOW = Number(DOC_TIMESTAMP);

function problemOf(input: Partial<Parameters<typeof verifySlackSignature>[0]>): string | undefined {
  try {
    verifySlackSignature({ secret: DOC_SECRET, timestamp: DOC_TIMESTAMP, signature: DOC_SIGNATURE, rawBody: DOC_BODY, nowSeconds: NOW, ...input });
    return undefined;
  } catch (error) {
    if (error instanceof SlackSignatureError) return error.problem;
    throw error;
  }
}

describe("Slack request signatures", () => {
  it("matches Slack's documented example", () => {
    expect(signSlackRequest(DOC_SECRET, DOC_TIMESTAMP, DOC_BODY)).toBe(DOC_SIGNATURE);
    expect(problemOf({})).toBeUndefined();
  });

  it("accepts timestamps up to five minutes either side of now, and refuses stale ones", () => {
    expect(problemOf({ nowSeconds: NOW + 300 })).toBeUndefined();
    expect(problemOf({ nowSeconds: NOW - 300 })).toBeUndefined();
    expect(problemOf({ nowSeconds: NOW + 301 })).toBe("stale");
    expect(problemOf({ nowSeconds: NOW - 301 })).toBe("stale");
  });

  it("refuses a replay with a fresh timestamp but the old signature", () => {
    expect(problemOf({ timestamp: String(NOW + 60), nowSeconds: NOW + 60 })).toBe("mismatch");
  });

  it("refuses tampered bodies, signatures and secrets", () => {
    expect(problemOf({ rawBody: DOC_BODY.replace("text=", "text=tcp://10.0.0.1:22") })).toBe("mismatch");
    expect(problemOf({ rawBody: `${DOC_BODY}&x=1` })).toBe("mismatch");
    expect(problemOf({ signature: DOC_SIGNATURE.replace(/.$/, "4") })).toBe("mismatch");
    expect(problemOf({ secret: "not-the-secret" })).toBe("mismatch");
  });

  it("refuses missing and malformed headers", () => {
    expect(problemOf({ signature: undefined })).toBe("missing");
    expect(problemOf({ timestamp: undefined })).toBe("missing");
    expect(problemOf({ signature: "" })).toBe("missing");
    expect(problemOf({ signature: "v1=" + DOC_SIGNATURE.slice(3) })).toBe("malformed");
    expect(problemOf({ signature: DOC_SIGNATURE.toUpperCase() })).toBe("malformed");
    expect(problemOf({ signature: DOC_SIGNATURE.slice(0, 40) })).toBe("malformed");
    expect(problemOf({ timestamp: "1531420618.5" })).toBe("malformed");
    expect(problemOf({ timestamp: "-1" })).toBe("malformed");
  });
});
