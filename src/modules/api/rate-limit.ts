import type { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { RateWindowModel } from './api-token.model.js';

/** Requests per token per minute. Mutable so tests can lower it. */
export const RATE_LIMIT = { perMinute: 300 };
const WINDOW_MS = 60_000;

export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetIn: number;
  allowed: boolean;
}

/**
 * Counts one request in the token's current one-minute window. Under heavy concurrency on
 * FerretDB an increment may be lost (its $inc is not atomic), which errs on the lenient side.
 */
export async function takeRequest(tokenId: Types.ObjectId, now = new Date()): Promise<RateState> {
  const start = Math.floor(now.getTime() / WINDOW_MS) * WINDOW_MS;
  const count1 = () =>
    RateWindowModel.findOneAndUpdate(
      { _id: `${tokenId.toHexString()}:${start}` },
      { $inc: { count: 1 }, $setOnInsert: { windowStart: new Date(start) } },
      { upsert: true, returnDocument: 'after' },
    ).lean<{ count: number }>();
  // Concurrent first requests of a window race to insert it; the losers get E11000 (a 500
  // before) and count again, now as an update of the window the winner made.
  const doc = await count1().catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 11000) return count1();
    throw err;
  });
  const count = doc?.count ?? 1;
  const limit = RATE_LIMIT.perMinute;
  return {
    limit,
    remaining: Math.max(0, limit - count),
    resetIn: Math.max(1, Math.ceil((start + WINDOW_MS - now.getTime()) / 1000)),
    allowed: count <= limit,
  };
}

/** Drops windows older than an hour. */
export async function purgeRateWindows(now = new Date()): Promise<number> {
  const res = await RateWindowModel.deleteMany({
    windowStart: trusted({ $lt: new Date(now.getTime() - 3_600_000) }),
  });
  return res.deletedCount;
}
