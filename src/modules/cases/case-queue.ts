/**
 * Updates of one case run one after another inside this process: FerretDB can lose one of two
 * concurrent updates of a document, even conditional ones. Across instances the version
 * condition of each update still turns the loser into a 409.
 */
const queues = new Map<string, Promise<unknown>>();

export function queuedForCase<T>(id: string, work: () => Promise<T>): Promise<T> {
  const previous = queues.get(id) ?? Promise.resolve();
  const next = previous.then(work, work);
  const settled = next.catch(() => undefined);
  queues.set(id, settled);
  void settled.then(() => {
    if (queues.get(id) === settled) queues.delete(id);
  });
  return next;
}
