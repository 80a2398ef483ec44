import { Schema, model } from 'mongoose';
import { runSerially } from './serial.js';

/**
 * Named sequences (case numbers, plaque serials). On MongoDB `$inc` with upsert is atomic, but
 * FerretDB 1.24 reads and writes without a row lock, so concurrent increments of one key can
 * return the same number. Increments are therefore queued per key inside this process (lib/serial), and
 * callers store the number under a unique index and retry on a clash (another instance).
 */
const counterSchema = new Schema(
  {
    _id: { type: String, required: true },
    seq: { type: Number, required: true, default: 0 },
  },
  { versionKey: false, collection: 'counters' },
);

export const CounterModel = model('Counter', counterSchema);

/** The next number of a sequence, starting at 1. */
export function nextSequence(key: string): Promise<number> {
  return runSerially(`counter:${key}`, async () => {
    const doc = await CounterModel.findOneAndUpdate(
      { _id: key },
      { $inc: { seq: 1 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    return doc!.seq;
  });
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/**
 * Takes numbers from a sequence until `insert` stores one without a unique-index clash:
 * numbers may be skipped (gap-tolerant) but never handed out twice.
 */
export async function insertWithSequence<T>(
  key: string,
  insert: (seq: number) => Promise<T>,
  attempts = 20,
): Promise<T> {
  for (let i = 1; ; i++) {
    const seq = await nextSequence(key);
    try {
      return await insert(seq);
    } catch (err) {
      if (!isDuplicateKeyError(err) || i >= attempts) throw err;
    }
  }
}
