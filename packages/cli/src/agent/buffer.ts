import type { ResultBatch } from "@probemesh/core/agent";

/**
 * Result batches waiting for the API, oldest first, at most `capacity` of them: while the API
 * is unreachable the newest rounds are kept and the oldest dropped (counted), so a long outage
 * costs memory once, not forever.
 */
export class BatchBuffer {
  private readonly batches: ResultBatch[] = [];
  /** Batches dropped because the buffer was full. */
  dropped = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.batches.length;
  }

  push(batch: ResultBatch): void {
    this.batches.push(batch);
    while (this.batches.length > this.capacity) {
      this.batches.shift();
      this.dropped += 1;
    }
  }

  /**
   * Sends batches oldest first until one cannot be sent: `send` resolves true when the batch is
   * delivered (or must be given up), false to keep it and stop. Returns how many were delivered.
   */
  async flush(send: (batch: ResultBatch) => Promise<boolean>): Promise<number> {
    let sent = 0;
    while (this.batches.length > 0) {
      const batch = this.batches[0]!;
      if (!(await send(batch))) break;
      // A batch pushed out by a newer one while this was in flight is already gone.
      if (this.batches[0] === batch) this.batches.shift();
      sent += 1;
    }
    return sent;
  }
}
