import * as v from "valibot";
import { AgentPlanSchema, type AgentHeartbeat, type AgentPlan, type ResultBatch } from "@probemesh/core/agent";

/** The API refused the agent's token (401/403): a configuration error, retrying cannot help. */
export class AgentRefusedError extends Error {
  override name = "AgentRefusedError";
}

/** What happened to one request: delivered, refused for good (bad batch), or worth retrying later. */
export type Delivery = "delivered" | "rejected" | "retry";

/** Budget of one API request: a hung API must not stall the probe schedule. */
const REQUEST_TIMEOUT_MS = 10_000;

/** The agent's side of the agent routes (GET plan, POST results, POST heartbeat). */
export interface AgentClient {
  plan(): Promise<AgentPlan | undefined>;
  sendResults(batch: ResultBatch): Promise<{ delivery: Delivery; detail: string }>;
  heartbeat(body: AgentHeartbeat): Promise<Delivery>;
}

export function agentClient(api: URL, token: string, location: string, log: (line: string) => void): AgentClient {
  const base = new URL(`v1/agents/${encodeURIComponent(location)}/`, api.href.endsWith("/") ? api : new URL(`${api.href}/`));
  const request = async (path: string, body?: unknown): Promise<{ status: number; json: unknown } | undefined> => {
    try {
      const response = await fetch(new URL(path, base), {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const json: unknown = await response.json().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        throw new AgentRefusedError(`${base.origin} refused the agent token for ${location} (${response.status}: ${messageOf(json) ?? response.statusText})`);
      }
      return { status: response.status, json };
    } catch (error) {
      if (error instanceof AgentRefusedError) throw error;
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      log(`api ${base.origin} unreachable (${cause})`);
      return undefined;
    }
  };
  return {
    async plan() {
      const answer = await request("plan");
      if (!answer || answer.status !== 200) return undefined;
      const parsed = v.safeParse(AgentPlanSchema, answer.json);
      if (!parsed.success) {
        log(`plan: unexpected body (${v.getDotPath(parsed.issues[0]) ?? "body"}: ${parsed.issues[0].message})`);
        return undefined;
      }
      return parsed.output as AgentPlan;
    },
    async sendResults(batch) {
      const answer = await request("results", batch);
      if (!answer) return { delivery: "retry", detail: "unreachable" };
      if (answer.status === 200) return { delivery: "delivered", detail: (answer.json as { duplicate?: boolean }).duplicate ? "duplicate" : "new" };
      // A batch the API calls malformed or too large will never be accepted: give it up, loudly.
      if (answer.status === 400 || answer.status === 413) return { delivery: "rejected", detail: `${answer.status}: ${messageOf(answer.json) ?? ""}` };
      return { delivery: "retry", detail: `${answer.status}: ${messageOf(answer.json) ?? ""}` };
    },
    async heartbeat(body) {
      const answer = await request("heartbeat", body);
      return answer?.status === 200 ? "delivered" : "retry";
    },
  };
}

function messageOf(json: unknown): string | undefined {
  return (json as { error?: { message?: string } } | undefined)?.error?.message;
}
