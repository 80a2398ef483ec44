import type { NextFunction, Request, Response } from 'express';
import { Types } from 'mongoose';
import { mongoose } from '../../lib/db/index.js';
import { AppError, NotFoundError, TooManyRequestsError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { safeNext } from '../../lib/http.js';
import { renderPage } from '../../lib/views.js';
import { auditContext, recordAudit } from '../audit/index.js';
import { countUsers, createUser, setLocale } from '../users/index.js';
import { clearAttempts, countAttempt, THROTTLE } from './auth.service.js';
import { passport, type LoginFailure } from './passport.js';

interface LoginBody {
  email: string;
  password: string;
  next?: string;
}

export async function showLogin(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as { next?: string; expired?: string };
  if (req.user) return res.redirect(safeNext(query.next));
  if ((await countUsers()) === 0) return res.redirect('/setup');
  if (query.expired) res.locals.flashMessages.push({ kind: 'warning', text: res.locals.t('auth.expired') });
  await renderPage(res, 'auth/login', { values: { email: '', next: query.next ?? '' }, errors: {} });
}

function authenticateLocal(
  req: Request,
  res: Response,
  next: NextFunction,
): Promise<Express.User | LoginFailure> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', (err: unknown, user: Express.User | false, info: LoginFailure) => {
      if (err) return reject(err instanceof Error ? err : new Error(String(err)));
      resolve(user || info);
    })(req, res, next);
  });
}

export async function login(req: Request, res: Response, next: NextFunction): Promise<void> {
  const body = req.valid.body as LoginBody;
  const t = res.locals.t;
  const ip = req.ip ?? 'unknown';
  const email = body.email.toLowerCase();
  try {
    await countAttempt(`ip:${ip}`, THROTTLE.maxPerIp);
    await countAttempt(`ip:${ip}|${email}`, THROTTLE.maxPerIpAndEmail);
  } catch (err) {
    if (err instanceof TooManyRequestsError) {
      throw new TooManyRequestsError(
        err.retryAfterSeconds,
        t('auth.throttled', { minutes: Math.ceil(err.retryAfterSeconds / 60) }),
      );
    }
    throw err;
  }

  const result = await authenticateLocal(req, res, next);
  if ('ok' in result) {
    if (result.reason === 'locked') {
      const seconds = result.retryAfterSeconds ?? 60;
      throw new TooManyRequestsError(seconds, t('auth.locked', { minutes: Math.ceil(seconds / 60) }));
    }
    throw new AppError(401, 'invalid_credentials', t('auth.invalid'));
  }

  // passport regenerates the session id on login (session fixation defence).
  await new Promise<void>((resolve, reject) => req.logIn(result, (err) => (err ? reject(err) : resolve())));
  await clearAttempts(`ip:${ip}|${email}`);
  req.session.signedInAt = Date.now();
  req.session.locale = result.locale;
  flash(req, 'success', res.locals.translatorFor(result.locale)('auth.welcome', { name: result.name }));
  res.redirect(safeNext(body.next));
}

export async function logout(req: Request, res: Response): Promise<void> {
  const ctx = auditContext(req);
  const userId = req.user?._id;
  await new Promise<void>((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())));
  if (userId) await recordAudit(ctx, { action: 'auth.logout', entity: 'session', entityId: userId });
  flash(req, 'info', res.locals.t('auth.signedOut'));
  res.redirect('/login');
}

const SETUP_MARKER = 'setup';

/** /setup exists only until the first user does: afterwards every request to it is a 404. */
export async function setupOpen(_req: Request, _res: Response, next: NextFunction): Promise<void> {
  if ((await countUsers()) > 0) throw new NotFoundError();
  next();
}

export async function showSetup(_req: Request, res: Response): Promise<void> {
  await renderPage(res, 'auth/setup', { values: {}, errors: {} });
}

export async function setup(req: Request, res: Response): Promise<void> {
  // A unique marker makes two simultaneous first-run forms produce one administrator.
  const meta = mongoose.connection.db!.collection<{ _id: string; at: Date }>('meta');
  try {
    await meta.insertOne({ _id: SETUP_MARKER, at: new Date() });
  } catch {
    throw new NotFoundError();
  }
  const body = req.valid.body as { name: string; email: string; password: string };
  try {
    await createUser({ ...body, role: 'admin', locale: req.locale }, auditContext(req));
  } catch (err) {
    await meta.deleteOne({ _id: SETUP_MARKER });
    throw err;
  }
  flash(req, 'success', res.locals.t('auth.setupDone'));
  res.redirect('/login');
}

export async function switchLocale(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as { locale: Express.User['locale']; next?: string };
  req.session.locale = body.locale;
  if (req.user) await setLocale(new Types.ObjectId(req.user._id), body.locale);
  res.redirect(safeNext(body.next));
}
