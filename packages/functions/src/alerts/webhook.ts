import { isIP } from "node:net";

/**
 * Outbound JSON posts (Slack response_url, Slack incoming webhooks, generic webhooks).
 * They are requests the mesh makes on someone's behalf, so the destination is checked:
 * the host must be listed in PROBEMESH_WEBHOOK_HOSTS, https is required (plain http only
 * to a listed loopback host, i.e. the lab), no credentials in the URL, redirects not followed.
 */

/** Where outbound posts may go. */
export interface WebhookPolicy {
  /**
   * PROBEMESH_WEBHOOK_HOSTS entries: `host` (https on 443) or `host:port` (`[::1]:port` for IPv6);
   * host names compared case-insensitively. A URL matches an entry when both host and port do.
   */
  allowedHosts: string[];
}

/** The port an allow-list entry opens: its own, else 443 (https). */
const DEFAULT_WEBHOOK_PORT = 443;

/** `host` or `host:port` → host and port; undefined for an entry that is neither. */
export function parseHostEntry(entry: string): { host: string; port: number } | undefined {
  const trimmed = entry.trim().toLowerCase();
  if (isIP(trimmed) === 6) return { host: trimmed, port: DEFAULT_WEBHOOK_PORT };
  const m = /^(\[[0-9a-f:.]+\]|[^:\s/[\]]+)(?::(\d{1,5}))?$/.exec(trimmed);
  if (!m) return undefined;
  const port = m[2] !== undefined ? Number(m[2]) : DEFAULT_WEBHOOK_PORT;
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

/** `host:port` of a URL, as an allow-list entry would name it (the lab adds its receivers this way). */
export function hostEntryOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${effectivePort(parsed)}`;
}

function effectivePort(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443;
}

/** The URL may not be posted to; `message` says why in one line. */
export class WebhookRefusedError extends Error {
  override name = "WebhookRefusedError";
}

/** The post failed after every retry; `status` is the last HTTP status, if any. */
export class WebhookFailedError extends Error {
  override name = "WebhookFailedError";
  constructor(
    message: string,
    readonly attempts: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Validates `url` against the policy and returns it parsed; throws WebhookRefusedError. */
export function assertWebhookUrl(url: string, policy: WebhookPolicy): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookRefusedError(`not a URL: ${JSON.stringify(url.slice(0, 100))}`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (parsed.username || parsed.password) throw new WebhookRefusedError("webhook URLs may not carry credentials");
  const port = effectivePort(parsed);
  const listed = policy.allowedHosts.some((entry) => {
    const allowed = parseHostEntry(entry);
    return allowed !== undefined && allowed.host === host && allowed.port === port;
  });
  if (!listed) {
    throw new WebhookRefusedError(`${host}:${port} is not in PROBEMESH_WEBHOOK_HOSTS (${policy.allowedHosts.join(", ")}; an entry without a port means 443)`);
  }
  const loopback = (isIP(host) === 4 && host.startsWith("127.")) || host === "::1";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new WebhookRefusedError(`${parsed.protocol}// is refused: webhooks are posted over https (plain http only to a listed loopback host)`);
  }
  return parsed;
}

export interface PostOptions {
  policy: WebhookPolicy;
  /** Total attempts, first included (default 4). */
  attempts?: number;
  /** First backoff in ms; doubles each retry, with jitter (default 500). */
  baseDelayMs?: number;
  /** Longest wait honoured from a Retry-After header, in ms (default 30 s). */
  maxDelayMs?: number;
  /** Per-attempt timeout in ms (default 10 s). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POST `body` as JSON, retrying network errors, 408, 429 and 5xx with exponential backoff
 * (Retry-After honoured up to `maxDelayMs`). Other 4xx fail at once: retrying would not help.
 * Returns the number of attempts used; throws WebhookRefusedError or WebhookFailedError.
 */
export async function postJson(url: string, body: unknown, options: PostOptions): Promise<{ attempts: number; status: number }> {
  const target = assertWebhookUrl(url, options.policy);
  const attempts = options.attempts ?? 4;
  const baseDelay = options.baseDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? sleepMs;
  const payload = JSON.stringify(body);
  let lastError = "";
  let lastStatus: number | undefined;
  let used = 0;

  for (let attempt = 1; attempt <= attempts; attempt++) {
    let retryAfterMs: number | undefined;
    used = attempt;
    try {
      const response = await doFetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", ...options.headers },
        body: payload,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.ok) return { attempts: attempt, status: response.status };
      lastStatus = response.status;
      lastError = `HTTP ${response.status}`;
      if (!isRetryable(response.status)) break;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    } catch (error) {
      lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (attempt < attempts) {
      const backoff = baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await sleep(Math.min(maxDelay, retryAfterMs ?? backoff));
    }
  }
  throw new WebhookFailedError(`POST to ${target.host} failed: ${lastError}`, used, lastStatus);
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
