/**
 * Synchronous cleanups (delete a namespace, kill a helper) that must also run when the bench
 * is interrupted: sections register them, and run.ts runs them on SIGINT/SIGTERM.
 */
const pending = new Set<() => void>();

/** Registers `fn`; call the returned function to run it now (once) and unregister it. */
export function onInterrupt(fn: () => void): () => void {
  pending.add(fn);
  return () => {
    if (pending.delete(fn)) fn();
  };
}

export function runAllCleanups(): void {
  for (const fn of [...pending]) {
    pending.delete(fn);
    try {
      fn();
    } catch {
      /* best effort while exiting */
    }
  }
}
