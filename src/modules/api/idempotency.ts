import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { Schema, model } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { AppError, BadRequestError } from '../../lib/errors.js';
import { logger } from '../../lib/logger.js';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Set on an answer that is a stored one given again, not a new run. */
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A claim older than this whose request never finished was cut off (crash, kill -9): no API
 * request runs this long. Whether its write happened is unknown, so it is never run again.
 */
const ABANDONED_AFTER_MS = 60_000;
/** How long a retry waits for the first request with its key before answering 409. */
export const IDEMPOTENCY_WAIT = { ms: 3_000, pollMs: 100 };

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * One Idempotency-Key of one token user. The unique index on (user, key) is what makes a key
 * run once: two racing requests both try to insert, only one can (FerretDB can let two racing
 * findOneAndUpdate claims win, but never two inserts under a unique index).
 */
const idempotencySchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    /** Method, path and a hash of the JSON body: a retry must send the same request. */
    fingerprint: { type: String, required: true },
    state: { type: String, enum: ['running', 'done'], required: true },
    status: { type: Number, default: null },
    location: { type: String, default: null },
    /** The JSON answer, kept as text: stored bodies have $-free keys either way. */
    body: { type: String, default: null },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'apiidempotencykeys' },
);
idempotencySchema.index({ user: 1, key: 1 }, { unique: true });
idempotencySchema.index({ expiresAt: 1 });

export const IdempotencyKeyModel = model('ApiIdempotencyKey', idempotencySchema);

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprintOf(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonical(body ?? null)}`)
    .digest('hex');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stored {
  fingerprint: string;
  state: 'running' | 'done';
  status: number | null;
  location: string | null;
  body: string | null;
  createdAt: Date;
  expiresAt: Date;
}

function replay(res: Response, stored: Stored): void {
  res.setHeader(REPLAYED_HEADER, 'true');
  if (stored.location) res.location(stored.location);
  res.status(stored.status!).type('application/json').send(stored.body);
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown }).code === 11000;
}

/**
 * `Idempotency-Key` on any POST under /api/v1 (mounted once on the API router, so every
 * create route has it). The first request with a key claims it and runs; a 2xx answer is stored
 * before it is sent, so a client that saw a 2xx will get the same answer again (with
 * `Idempotent-Replayed: true`) however often it retries. An answer that is not a 2xx frees the
 * key: nothing was written, and the client may retry with the same key (e.g. after fixing a
 * 409 duplicate warning). The same key with another body or path → 422; while the first is
 * still running a retry waits a moment, then gets 409 `idempotency_in_progress`.
 */
export const idempotency: RequestHandler = async (req, res, next) => {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (req.method !== 'POST' || key === undefined) {
    next();
    return;
  }
  if (!KEY.test(key)) {
    next(new BadRequestError('api.errors.idempotencyKeyInvalid'));
    return;
  }
  const user = req.user!._id;
  const fingerprint = fingerprintOf(req.method, req.originalUrl, req.body);
  const now = new Date();
  const claim = { user, key };

  for (const deadline = Date.now() + IDEMPOTENCY_WAIT.ms; ;) {
    try {
      await IdempotencyKeyModel.create({
        ...claim,
        fingerprint,
        state: 'running',
        createdAt: now,
        expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
      });
      break;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
    const stored = await IdempotencyKeyModel.findOne(claim).lean<Stored>();
    if (!stored) continue; // freed in the meantime: claim it
    if (stored.expiresAt <= now) {
      // Expired but not yet swept: it is forgotten, the key is new again.
      await IdempotencyKeyModel.deleteOne({ ...claim, expiresAt: trusted({ $lte: now }) });
      continue;
    }
    if (stored.fingerprint !== fingerprint) {
      next(new AppError(422, 'idempotency_key_reused', 'api.errors.idempotencyMismatch'));
      return;
    }
    if (stored.state === 'done') {
      replay(res, stored);
      return;
    }
    if (now.getTime() - stored.createdAt.getTime() > ABANDONED_AFTER_MS) {
      next(new AppError(409, 'idempotency_interrupted', 'api.errors.idempotencyInterrupted'));
      return;
    }
    if (Date.now() >= deadline) {
      res.setHeader('Retry-After', '1');
      next(new AppError(409, 'idempotency_in_progress', 'api.errors.idempotencyInProgress'));
      return;
    }
    await sleep(IDEMPOTENCY_WAIT.pollMs);
  }

  // Claimed: record the answer before it leaves.
  let settled = false;
  const release = () => IdempotencyKeyModel.deleteOne({ ...claim, state: 'running' });
  const send = res.json.bind(res);
  res.json = (body: unknown) => {
    settled = true;
    const status = res.statusCode;
    const text = JSON.stringify(body);
    const store =
      status >= 200 && status < 300
        ? IdempotencyKeyModel.updateOne(claim, {
            $set: {
              state: 'done',
              status,
              location: res.get('Location') ?? null,
              body: text,
            },
          })
        : release();
    void store
      .catch((err: unknown) => logger.error({ err, key }, 'idempotency key not recorded'))
      .finally(() => send(body));
    return res;
  };
  // An answer sent without res.json leaves nothing replayable: free the key. A client that hangs
  // up early does not: its handler may still write, and then res.json above records the answer.
  res.on('close', () => {
    if (!settled && res.writableFinished) void release().catch(() => undefined);
  });
  next();
};

/** Forgets keys older than their 24 hours (the api.purgeIdempotencyKeys job). */
export async function purgeIdempotencyKeys(now = new Date()): Promise<number> {
  const res = await IdempotencyKeyModel.deleteMany({ expiresAt: trusted({ $lte: now }) });
  return res.deletedCount;
}
