import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { ProbeResult } from "@probemesh/core/result";

/**
 * Results a probe function could not write to the store, kept durably until the store is back
 * (the store's writes are idempotent per check, region and time, so a batch delivered twice
 * is still stored once). One spool per region, drained oldest first by that region's probe
 * function before it writes anything newer, so late results never land behind newer ones.
 *
 * Locally the spool is a directory (it survives a restart of the mesh); on AWS it is an SQS
 * FIFO queue in the probe function's own region (message group = region: in order).
 */
export interface SpooledBatch {
  region: string;
  roundId: string;
  results: ProbeResult[];
  spooledAt: string;
}

export interface Spool {
  /** Keeps a batch; throws SpoolFullError when the bound is reached. */
  put(batch: SpooledBatch): Promise<void>;
  /**
   * Hands batches to `deliver`, oldest first, removing each once `deliver` resolves; stops at
   * the first failure (the batch stays). Returns the batches delivered.
   */
  drain(deliver: (batch: SpooledBatch) => Promise<void>): Promise<number>;
  /** Batches waiting. */
  depth(): Promise<number>;
}

/** The spool's bound is reached: the batch was not kept. */
export class SpoolFullError extends Error {
  override name = "SpoolFullError";
}

/** What a local spool keeps at most: 2,000 batches or 512 MiB, whichever comes first. */
export const FILE_SPOOL_LIMITS = { batches: 2_000, bytes: 512 * 1024 * 1024 };

/** A directory of gzip'd JSON files, one per batch, named so they sort oldest first. */
export function fileSpool(dir: string, limits = FILE_SPOOL_LIMITS): Spool {
  mkdirSync(dir, { recursive: true });
  let sequence = 0;
  const files = () => readdirSync(dir).filter((name) => name.endsWith(".json.gz")).sort();
  return {
    async put(batch) {
      const waiting = files();
      const bytes = waiting.reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
      if (waiting.length >= limits.batches || bytes >= limits.bytes) {
        throw new SpoolFullError(`spool ${dir} holds ${waiting.length} batches (${bytes} bytes): at its bound`);
      }
      const name = `${Date.now().toString().padStart(15, "0")}-${process.pid}-${String(sequence++).padStart(6, "0")}.json.gz`;
      // Written under a temporary name and renamed: a crash never leaves half a batch behind.
      const temporary = join(dir, `.${name}.tmp`);
      writeFileSync(temporary, gzipSync(JSON.stringify(batch)));
      renameSync(temporary, join(dir, name));
    },
    async drain(deliver) {
      let delivered = 0;
      for (const name of files()) {
        // Claimed by an atomic rename: concurrent invocations of the region never deliver one batch twice.
        const path = join(dir, name);
        const claimed = join(dir, `.${name}.claimed-${process.pid}-${sequence++}`);
        try {
          renameSync(path, claimed);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
          throw error;
        }
        try {
          await deliver(JSON.parse(gunzipSync(readFileSync(claimed)).toString("utf8")) as SpooledBatch);
        } catch (error) {
          renameSync(claimed, path);
          throw error;
        }
        rmSync(claimed, { force: true });
        delivered += 1;
      }
      return delivered;
    },
    async depth() {
      return files().length;
    },
  };
}

/** SQS's largest message; batches above it are split. */
const SQS_MESSAGE_BYTES = 256 * 1024;

/** An SQS FIFO queue (one per probe region): retention up to 14 days, no bound on messages held. */
export function sqsSpool(client: SQSClient, queueUrl: string): Spool {
  const send = async (batch: SpooledBatch): Promise<void> => {
    const body = gzipSync(JSON.stringify(batch)).toString("base64");
    if (body.length > SQS_MESSAGE_BYTES - 1024 && batch.results.length > 1) {
      const half = Math.ceil(batch.results.length / 2);
      await send({ ...batch, results: batch.results.slice(0, half) });
      await send({ ...batch, results: batch.results.slice(half) });
      return;
    }
    const first = batch.results[0];
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: body,
        MessageGroupId: batch.region,
        // A retried send of the same part is dropped by SQS (5-minute deduplication window).
        MessageDeduplicationId: `${batch.roundId}|${batch.results.length}|${first?.checkId ?? ""}|${first?.at ?? ""}`.slice(0, 128),
      }),
    );
  };
  return {
    put: send,
    async drain(deliver) {
      let delivered = 0;
      for (;;) {
        const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
        if (Messages.length === 0) return delivered;
        for (const message of Messages) {
          await deliver(JSON.parse(gunzipSync(Buffer.from(message.Body ?? "", "base64")).toString("utf8")) as SpooledBatch);
          await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
          delivered += 1;
        }
      }
    },
    async depth() {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }),
      );
      return Number(Attributes?.ApproximateNumberOfMessages ?? 0) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
    },
  };
}
