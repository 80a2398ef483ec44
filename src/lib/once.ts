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
