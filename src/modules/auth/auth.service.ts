import { trusted } from '../../lib/db/index.js';
import { TooManyRequestsError } from '../../lib/errors.js';
import { runSerially } from '../../lib/serial.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { dummyVerify, normaliseEmail, UserModel, verifyPassword } from '../users/index.js';
import { LoginThrottleModel } from './login-throttle.model.js';

export const THROTTLE = { windowMs: 15 * 60_000, maxPerIpAndEmail: 10, maxPerIp: 100 } as const;
export const LOCKOUT = { failures: 5, durationMs: 15 * 60_000 } as const;

/**
 * Counts one attempt against the key; throws 429 with Retry-After when the window is full.
 * The window restarts with an update that only succeeds for the stale window, so two
 * instances cannot both reset it.
 */
export function countAttempt(key: string, max: number, now = new Date()): Promise<void> {
  // Queued per key: FerretDB's $inc races, and two first attempts at once both upsert.
  return runSerially(`login-throttle:${key}`, () => countAttemptNow(key, max, now));
}

function bumpAttempts(key: string, now: Date) {
  return LoginThrottleModel.findOneAndUpdate(
    { key },
    { $inc: { count: 1 }, $setOnInsert: { windowStartedAt: now } },
    { upsert: true, returnDocument: 'after' },
  ).lean();
}

async function countAttemptNow(key: string, max: number, now: Date): Promise<void> {
  // Another instance may insert the same key first (unique index): then it is an update.
  const doc = await bumpAttempts(key, now).catch((err: unknown) => {
    if ((err as { code?: unknown }).code === 11000) return bumpAttempts(key, now);
    throw err;
  });
  if (!doc) return;
  const ends = doc.windowStartedAt.getTime() + THROTTLE.windowMs;
  if (ends <= now.getTime()) {
    await LoginThrottleModel.updateOne(
      { key, windowStartedAt: doc.windowStartedAt },
      { $set: { count: 1, windowStartedAt: now } },
    );
    return;
  }
  if (doc.count > max) throw new TooManyRequestsError(Math.ceil((ends - now.getTime()) / 1000));
}

export async function clearAttempts(key: string): Promise<void> {
  await LoginThrottleModel.deleteOne({ key });
}

export async function purgeStaleThrottles(now = new Date()): Promise<number> {
  const res = await LoginThrottleModel.deleteMany({
    windowStartedAt: trusted({ $lt: new Date(now.getTime() - THROTTLE.windowMs) }),
  });
  return res.deletedCount;
}

export type AuthResult =
  | { ok: true; userId: string }
  | { ok: false; reason: 'invalid' | 'disabled' | 'locked'; retryAfterSeconds?: number };

/** Checks a password with lockout; records success and every kind of failure in the audit log. */
export async function authenticate(
  rawEmail: string,
  password: string,
  ctx: AuditContext,
  now = new Date(),
): Promise<AuthResult> {
  const email = normaliseEmail(rawEmail);
  const user = await UserModel.findOne(
    { email },
    { email: 1, passwordHash: 1, disabledAt: 1, failedLoginCount: 1, lockedUntil: 1 },
  ).lean();

  const fail = async (
    reason: 'invalid' | 'disabled' | 'locked',
    retryAfterSeconds?: number,
  ): Promise<AuthResult> => {
    await recordAudit(user ? { ...ctx, actor: { _id: user._id, email: user.email } } : ctx, {
      action: 'auth.login_failed',
      entity: 'session',
      entityId: user?._id ?? null,
      meta: { email: email.slice(0, 254), reason },
    });
    return retryAfterSeconds ? { ok: false, reason, retryAfterSeconds } : { ok: false, reason };
  };

  if (!user) {
    await dummyVerify(password);
    return fail('invalid');
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > now.getTime()) {
    return fail('locked', Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000));
  }
  const matches = await verifyPassword(user.passwordHash, password);
  if (!matches) {
    // Queued per user: FerretDB's $inc races, so parallel guesses could otherwise slip past the lockout.
    const until = await runSerially(`login-failures:${user._id.toHexString()}`, async () => {
      const updated = await UserModel.findOneAndUpdate(
        { _id: user._id },
        { $inc: { failedLoginCount: 1 } },
        { returnDocument: 'after' },
      ).lean();
      if ((updated?.failedLoginCount ?? 0) < LOCKOUT.failures) return null;
      const lockedUntil = new Date(now.getTime() + LOCKOUT.durationMs);
      await UserModel.updateOne({ _id: user._id }, { $set: { lockedUntil, failedLoginCount: 0 } });
      return lockedUntil;
    });
    if (until) {
      await recordAudit(
        { ...ctx, actor: { _id: user._id, email: user.email } },
        {
          action: 'auth.locked',
          entity: 'user',
          entityId: user._id,
          meta: { until: until.toISOString() },
        },
      );
      return fail('locked', Math.ceil(LOCKOUT.durationMs / 1000));
    }
    return fail('invalid');
  }
  if (user.disabledAt) return fail('disabled');

  await UserModel.updateOne(
    { _id: user._id },
    { $set: { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now } },
  );
  await recordAudit(
    { ...ctx, actor: { _id: user._id, email: user.email } },
    {
      action: 'auth.login',
      entity: 'session',
      entityId: user._id,
    },
  );
  return { ok: true, userId: user._id.toHexString() };
}
