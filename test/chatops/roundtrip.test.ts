import { signSlackRequest } from "@probemesh/functions/chatops";
import { hostEntryOf } from "@probemesh/functions/alerts";
import { startMesh, type Mesh } from "@probemesh/functions/mesh";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startReceiver } from "./receiver.js";

/**
 * The whole `/probe` path in the local mesh: a signed slash command to the API, the ack,
 * the asynchronous worker started with InvocationType Event through the real Lambda client,
 * the region probe functions (guarded, lab network), and the posts to a response_url
 * receiver on 127.0.0.1, recorded in arrival order.
 */

const SECRET = "roundtrip-signing-secret";
let mesh: Mesh;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  mesh = await startMesh({ port: 0, inMemory: true, autoStart: false, web: false, slackSigningSecret: SECRET, webhookHosts: [hostEntryOf(receiver.url())] });
}, 90_000);

afterAll(async () => {
  await receiver?.close();
  await mesh?.stop();
});

let trigger = 0;
async function slash(text: string): Promise<Response> {
  const body = new URLSearchParams({
    team_id: "T1",
    user_id: "U1",
    command: "/probe",
    text,
    response_url: receiver.url(`/commands/T1/${++trigger}`),
    trigger_id: `trigger-${trigger}`,
  }).toString();
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(`${mesh.url}/chatops/slack`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": timestamp, "x-slack-signature": signSlackRequest(SECRET, timestamp, body) },
    body,
  });
}

describe("/probe round trip in the local mesh", () => {
  it("acks, then posts one update per region and a final summary with the cross-region verdict", async () => {
    // One healthy lab target and one whose host answers NXDOMAIN to one region (a lab fault).
    const fault = mesh.lab!.faults.find((f) => f.kind === "nxdomain")!;
    const faultHosts = new Set(mesh.lab!.faults.flatMap((f) => ("host" in f ? [f.host] : [])));
    const hostOf = (target: string) => new URL(target.replace(/^tcp:/, "http:")).hostname;
    const tcp = mesh.checks.filter((check) => check.target.startsWith("tcp://") && check.expect === undefined);
    const healthy = tcp.find((check) => !faultHosts.has(hostOf(check.target)))!.target;
    const faulty = mesh.checks.find((check) => check.expect === undefined && /^(tcp|tls|https?):/.test(check.target) && hostOf(check.target) === fault.host)!.target;

    const ack = await slash(`${healthy} ${faulty}`);
    expect(ack.status).toBe(200);
    const ackBody = (await ack.json()) as { response_type: string; text: string };
    expect(ackBody.response_type).toBe("ephemeral");
    expect(ackBody.text).toContain(`(2 checks) from ${mesh.regions.join(", ")}`);

    await receiver.waitFor(mesh.regions.length + 1);
    const posts = receiver.posts.filter((p) => p.path === `/commands/T1/${trigger}`);
    expect(posts).toHaveLength(mesh.regions.length + 1);
    const updates = posts.slice(0, mesh.regions.length).map((p) => p.body as { text: string; blocks: { text?: { text: string } }[] });
    const summary = posts.at(-1)!.body as { text: string; blocks: { text?: { text: string } }[] };

    // One update per region, each region exactly once, in the order they finished.
    expect(updates.map((u) => u.text.split(":")[0]).sort()).toEqual([...mesh.regions].sort());
    for (const update of updates) {
      const failing = update.text.startsWith(`${fault.region}:`);
      expect(update.text).toBe(`${update.text.split(":")[0]}: ${failing ? "1 pass, 1 fail" : "2 pass, 0 fail"}, 0 inconclusive`);
      if (failing) expect(JSON.stringify(update.blocks)).toContain("dns_nxdomain");
    }

    // One region of three fails the faulty target: degraded; the healthy one is up; overall the worst.
    expect(summary.text).toBe(`${healthy} ${faulty}: degraded`);
    const lines = summary.blocks.map((b) => b.text?.text ?? "").join("\n");
    expect(lines).toContain(`\`${healthy}\` up`);
    expect(lines).toContain(`\`${faulty}\` degraded — ${fault.region} \`dns_nxdomain\``);
    if (process.env.PROBEMESH_DEBUG_CHATOPS) console.log(JSON.stringify(posts.map((p) => p.body), null, 1));
  }, 60_000);

  it("refuses a metadata target with an ephemeral reply and posts nothing", async () => {
    const before = receiver.posts.length;
    const jobs = mesh.chatopsJobs();
    const reply = await slash("http://169.254.169.254/latest/meta-data/");
    expect(((await reply.json()) as { text: string }).text).toMatch(/Refused: 169\.254\.169\.254 is in a metadata range/);
    // Only the worker posts to response_url, and a job is handed to it before the reply is sent:
    // no job now means no post ever.
    expect(mesh.chatopsJobs()).toBe(jobs);
    expect(receiver.posts.length).toBe(before);
  });

  it("answers 401 to an unsigned request", async () => {
    const response = await fetch(`${mesh.url}/chatops/slack`, { method: "POST", body: "text=help" });
    expect(response.status).toBe(401);
  });
});
