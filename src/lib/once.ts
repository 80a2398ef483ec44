import { Schema, model } from 'mongoose';

/**
 * Once-only markers: the unique _id decides which of several racing callers goes ahead. FerretDB
 * can let two racing conditional updates (or findOneAndUpdate claims) of one document both
 * succeed, but never two inserts of one key. Use it for side effects that must not repeat when
 * two instances run the same job at once (an audit entry for a flag both think they set).
 */
const onceSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'oncekeys' },
);

export const OnceKeyModel = model('OnceKey', onceSchema);

/** True for the first caller with this key (ever), false for every later or racing one. */
export async function firstTime(key: string, now = new Date()): Promise<boolean> {
  try {
    await OnceKeyModel.create({ _id: key, at: now });
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === 11000) return false;
    throw err;
  }
}

const backfills = new Map<string, Promise<void>>();

/**
 * Runs `work` once per database (a once-key claimed after it succeeds, so a crash mid-way runs it
 * again) and once per process (later calls await the first): for filling a new stored key into
 * documents written before it existed, from the job that reads the key. `work` must be safe to
 * repeat.
 */
export function backfillOnce(key: string, work: () => Promise<unknown>): Promise<void> {
  let run = backfills.get(key);
  if (!run) {
    run = (async () => {
      if (await OnceKeyModel.exists({ _id: key })) return;
      await work();
      await firstTime(key);
    })();
    run.catch(() => backfills.delete(key));
    backfills.set(key, run);
  }
  return run;
}
