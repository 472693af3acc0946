/**
 * Reads that hold until the next round is evaluated: results are written and judged in rounds, so
 * the first reader after a round computes and every later one (and every concurrent one) shares
 * that promise. Each slot keeps one entry, replaced when its key changes; a failed read is dropped
 * so the next reader tries again rather than being served the failure.
 */
export class RoundCache<T> {
  private readonly entries = new Map<string, { key: string; value: Promise<T> }>();

  /** The value of `slot` for `key`, computed by `compute` when the slot holds another key (or none). */
  get(slot: string, key: string, compute: () => Promise<T>): Promise<T> {
    const held = this.entries.get(slot);
    if (held && held.key === key) return held.value;
    const entry = { key, value: compute() };
    this.entries.set(slot, entry);
    entry.value.catch(() => this.entries.get(slot) === entry && this.entries.delete(slot));
    return entry.value;
  }
}
