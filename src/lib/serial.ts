/**
 * Runs work for one key one at a time inside this process. FerretDB 1.24 can lose one of two
 * concurrent updates of the same document and lets concurrent `$inc`s return the same value;
 * queuing writes per record (or per sequence) in-process closes that gap for a single
 * instance. MongoDB needs none of this: its single-document updates are atomic.
 */
const queues = new Map<string, Promise<unknown>>();

export function runSerially<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return next;
}
