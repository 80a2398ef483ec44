/** Rows the generators insert per round trip. */
export const BATCH = 2000;

/** Inserts `total` generated rows in batches, logs the rate and returns it (rows/s). */
export async function insertBatches<T>(
  name: string,
  total: number,
  make: (i: number) => T,
  insert: (docs: T[]) => Promise<unknown>,
  log: (m: string) => void,
): Promise<number> {
  const started = Date.now();
  for (let i = 0; i < total; i += BATCH) {
    const docs: T[] = [];
    for (let j = i; j < Math.min(total, i + BATCH); j++) docs.push(make(j));
    await insert(docs);
  }
  const seconds = (Date.now() - started) / 1000;
  const rate = Math.round(total / Math.max(seconds, 0.001));
  log(`${name}: ${total} rows in ${seconds.toFixed(1)} s (${rate} rows/s)`);
  return rate;
}
