import { createGuard, DEFAULT_POLICY } from "@probemesh/core/guard";
import { plan } from "@probemesh/core/plan";
import { createRateLimiter } from "@probemesh/core/ratelimit";
import type { ProbeResult } from "@probemesh/core/result";
import { createStore, ensureTable, type Store } from "@probemesh/core/store";
import { describe, expect, it } from "vitest";
import { dynamoClient, uniqueTableName } from "../../../../test/support/dynamo.js";
import { chatopsRoutes, signSlackRequest, type ChatopsDeps, type ChatopsJob } from "./index.js";

const SECRET = "test-signing-secret";
const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const NOW = Date.parse("2026-01-01T12:00:00Z");
const RESPONSE_URL = "https://hooks.slack.com/commands/T1/123/abc";

async function newStore(): Promise<Store> {
  const client = dynamoClient();
  const tableName = uniqueTableName("chatops");
  await ensureTable(client, tableName, { timeToLive: false });
  return createStore({ client, tableName, now: () => new Date(NOW) });
}

async function setup(overrides: Partial<ChatopsDeps> = {}) {
  const store = await newStore();
  const jobs: ChatopsJob[] = [];
  const deps: ChatopsDeps = {
    signingSecret: SECRET,
    store,
    regions: REGIONS,
    guard: createGuard(DEFAULT_POLICY),
    planProduct: (product, geo) => plan({ product, ...(geo ? { geo } : {}) }).checks,
    checks: () => [
      { checkId: "chk-a", target: "tcp://app.strongdm.com:443", product: "strongdm", label: "StrongDM / app" },
      { checkId: "chk-b", target: "tcp://login.strongdm.com:443", product: "strongdm", label: "StrongDM / login" },
    ],
    dispatch: async (job) => {
      jobs.push(job);
    },
    webhookPolicy: { allowedHosts: ["hooks.slack.com"] },
    staleAfterMs: 150_000,
    now: () => NOW,
    ...overrides,
  };
  const app = chatopsRoutes(deps);
  let trigger = 0;
  /** A slash command as Slack sends it: form body, signed, fresh timestamp, unique trigger_id. */
  const send = (text: string, opts: { user?: string; responseUrl?: string; headers?: Record<string, string>; body?: string; timestamp?: number } = {}) => {
    const body =
      opts.body ??
      new URLSearchParams({
        team_id: "T1",
        user_id: opts.user ?? "U1",
        command: "/probe",
        text,
        response_url: opts.responseUrl ?? RESPONSE_URL,
        trigger_id: `trigger-${++trigger}`,
      }).toString();
    const timestamp = String(opts.timestamp ?? Math.floor(NOW / 1000));
    return app.request("/slack", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-slack-request-timestamp": timestamp,
        "x-slack-signature": signSlackRequest(SECRET, timestamp, body),
        ...opts.headers,
      },
      body,
    });
  };
  return { app, send, jobs, store };
}

const textOf = async (response: Response) => {
  const json = (await response.json()) as { response_type: string; text: string; blocks: { text?: { text: string }; elements?: { text: string }[] }[] };
  expect(json.response_type).toBe("ephemeral");
  return [json.text, ...json.blocks.flatMap((b) => [b.text?.text ?? "", ...(b.elements ?? []).map((e) => e.text)])].join("\n");
};

describe("POST /slack: authentication", () => {
  it("answers 503 when no signing secret is configured", async () => {
    const { app } = await setup({ signingSecret: undefined });
    const response = await app.request("/slack", { method: "POST", body: "text=help" });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: { code: "unavailable", message: expect.stringMatching(/SLACK_SIGNING_SECRET/) } });
  });

  it("refuses missing, stale, future, tampered and foreign signatures with 401, and starts nothing", async () => {
    const { app, send, jobs } = await setup();
    const body = new URLSearchParams({ team_id: "T1", user_id: "U1", text: "tcp://example.com:443", response_url: RESPONSE_URL }).toString();
    const ts = String(NOW / 1000);
    const cases: [string, Response | Promise<Response>][] = [
      ["missing", app.request("/slack", { method: "POST", body })],
      ["missing", app.request("/slack", { method: "POST", body, headers: { "x-slack-request-timestamp": ts } })],
      ["stale", send("tcp://example.com:443", { timestamp: NOW / 1000 - 301 })],
      ["stale", send("tcp://example.com:443", { timestamp: NOW / 1000 + 301 })],
      ["mismatch", app.request("/slack", { method: "POST", body: body.replace("example.com", "10.0.0.1"), headers: { "x-slack-request-timestamp": ts, "x-slack-signature": signSlackRequest(SECRET, ts, body) } })],
      ["mismatch", app.request("/slack", { method: "POST", body, headers: { "x-slack-request-timestamp": ts, "x-slack-signature": signSlackRequest("other-secret", ts, body) } })],
      ["mismatch", app.request("/slack", { method: "POST", body, headers: { "x-slack-request-timestamp": String(NOW / 1000 - 10), "x-slack-signature": signSlackRequest(SECRET, ts, body) } })],
    ];
    for (const [problem, pending] of cases) {
      const response = await pending;
      expect(response.status, problem).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("bad_signature");
    }
    expect(jobs).toEqual([]);
  });

  it("handles a Slack retry or a replayed request once", async () => {
    const { send, jobs } = await setup();
    const body = new URLSearchParams({ team_id: "T1", user_id: "U1", text: "tcp://example.com:443", response_url: RESPONSE_URL, trigger_id: "t-1" }).toString();
    const first = await send("", { body });
    expect(await textOf(first)).toMatch(/Probing tcp:\/\/example\.com:443/);
    const retry = await send("", { body, headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" } });
    expect(retry.status).toBe(200);
    expect(await retry.text()).toBe("");
    const replay = await send("", { body });
    expect(await replay.text()).toBe("");
    expect(jobs).toHaveLength(1);
  });

  it("answers Slack's signed ssl_check with a bare 200", async () => {
    const { send, jobs } = await setup();
    const response = await send("", { body: "ssl_check=1&token=x" });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("");
    expect(jobs).toEqual([]);
  });

  it("refuses bodies larger than a slash command can be", async () => {
    const { send } = await setup();
    expect((await send(`tcp://${"a".repeat(17_000)}.example:443`)).status).toBe(413);
  });
});

describe("POST /slack: commands", () => {
  it("acknowledges a probe and hands the job to the worker", async () => {
    const { send, jobs } = await setup();
    const text = await textOf(await send("<tcp://example.com:443> us-east-1,eu-west-1"));
    expect(text).toMatch(/Probing tcp:\/\/example\.com:443 \(1 check\) from us-east-1, eu-west-1…/);
    expect(jobs).toEqual([
      {
        kind: "slack-probe",
        id: expect.any(String),
        what: "tcp://example.com:443",
        checks: [{ checkId: expect.any(String), target: "tcp://example.com:443" }],
        regions: ["us-east-1", "eu-west-1"],
        responseUrl: RESPONSE_URL,
        requestedBy: "slack:T1:U1",
      },
    ]);
  });

  it("expands a product, skipping catalog rows the guard refuses", async () => {
    const { send, jobs } = await setup();
    const text = await textOf(await send("strongdm"));
    expect(text).toMatch(/Probing strongdm \(\d+ checks\) from us-east-1, eu-west-1, ap-southeast-2/);
    expect(jobs[0]!.checks.length).toBeGreaterThan(0);
    expect(jobs[0]!.checks.every((c) => !/127\.0\.0\.1|localhost/.test(c.target))).toBe(true);
  });

  it("answers help, and explains bad input without starting anything", async () => {
    const { send, jobs } = await setup();
    expect(await textOf(await send("help"))).toMatch(/\/probe <target> \[regions\].*\n[\s\S]*Regions: us-east-1, eu-west-1, ap-southeast-2/);
    expect(await textOf(await send("tcp://example.com:443 mars-north-1"))).toMatch(/Unknown probe region mars-north-1/);
    expect(await textOf(await send("tcp://example.com"))).toMatch(/Refused: invalid target .*tcp needs a port/);
    expect(await textOf(await send("no-such-product"))).toMatch(/no-such-product/);
    expect(await textOf(await send("kong-konnect:mars"))).toMatch(/unknown geo "mars"/);
    expect(jobs).toEqual([]);
  });

  it("refuses private, loopback, metadata and odd-spelled targets before anything is resolved", async () => {
    const { send, jobs } = await setup();
    for (const target of ["http://169.254.169.254/latest/meta-data/", "http://2130706433/", "tcp://0x7f.1:22", "tcp://localhost:8080", "tcp://[::ffff:10.0.0.1]:443", "tcp://example.com:445"]) {
      expect(await textOf(await send(target)), target).toMatch(/:no_entry: Refused/);
    }
    expect(jobs).toEqual([]);
  });

  it("caps ports per range", async () => {
    const { send, jobs } = await setup();
    expect(await textOf(await send("tcp://example.com:1024-65535"))).toMatch(/Too large: port range 1024-65535 has 64512 ports; at most 1024/);
    expect(jobs).toEqual([]);
  });

  it("refuses a response_url outside PROBEMESH_WEBHOOK_HOSTS", async () => {
    const { send, jobs } = await setup();
    expect(await textOf(await send("tcp://example.com:443", { responseUrl: "http://169.254.169.254/latest" }))).toMatch(/could not post results back: 169\.254\.169\.254:80 is not in PROBEMESH_WEBHOOK_HOSTS/);
    expect(jobs).toEqual([]);
  });

  it("rate-limits per user, with an ephemeral explanation", async () => {
    const counters = await newStore();
    const limited = await setup({ limiter: createRateLimiter(counters, { rules: [{ subject: "slack-user", limit: 2, windowSeconds: 60 }], now: () => NOW }) });
    await limited.send("tcp://example.com:443");
    await limited.send("tcp://example.com:443");
    expect(await textOf(await limited.send("tcp://example.com:443"))).toMatch(/Slow down: rate limit: at most 2 requests per minute per slack-user; retry in 60 s/);
    expect(await textOf(await limited.send("tcp://example.com:443", { user: "U2" }))).toMatch(/Probing/);
    expect(limited.jobs).toHaveLength(3);
  });

  it("reports status from the stored verdict model", async () => {
    const { send, store } = await setup();
    await writeRound(store, { "chk-a": ["pass", "pass", "pass"], "chk-b": ["fail", "pass", "pass"] });
    await writeRound(store, { "chk-a": ["pass", "pass", "pass"], "chk-b": ["fail", "pass", "pass"] }, 1);
    const text = await textOf(await send("status strongdm"));
    expect(text).toMatch(/Status of strongdm\*: .* 1 up .* 1 degraded .* 0 down/);
    expect(text).toMatch(/StrongDM \/ login degraded — failing in us-east-1/);
    const unknown = await textOf(await send("status kong-konnect"));
    expect(unknown).toMatch(/No scheduled checks for `kong-konnect`/);
    expect(unknown).toMatch(/Scheduled products: strongdm/);
  });
});

async function writeRound(store: Store, statuses: Record<string, ("pass" | "fail")[]>, round = 0) {
  const at = new Date(NOW - 120_000 + round * 60_000).toISOString();
  for (const [i, region] of REGIONS.entries()) {
    const results: ProbeResult[] = Object.entries(statuses).map(([checkId, s]) => ({
      checkId,
      target: checkId,
      kind: "tcp",
      region,
      at,
      status: s[i]!,
      outcome: s[i] === "pass" ? "ok" : "tcp_timeout",
      durationMs: 12,
      phases: {},
    }));
    await store.writeResults(region, `r${round}`, results);
    await store.recordHeartbeat({ region, roundId: `r${round}`, at, ok: true, checks: results.length });
  }
  await store.evaluate({ now: new Date(NOW), regions: REGIONS, staleAfterMs: 150_000 });
}
