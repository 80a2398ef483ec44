import type { RequestHandler } from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import type { MongoClient } from 'mongodb';
import { config } from '../../config/index.js';

export const SESSION_COOKIE = 'crm.sid';
export const IDLE_TIMEOUT_MS = 30 * 60_000;
export const ABSOLUTE_TIMEOUT_MS = 12 * 60 * 60_000;

/**
 * Sessions live in the database so any instance can serve any request. Expired sessions are
 * removed by the auth.purgeSessions job: FerretDB has no TTL indexes, so autoRemove is off.
 */
export function sessionMiddleware(clientPromise: Promise<MongoClient>): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.sessionSecret,
    resave: false,
    saveUninitialized: false,
    rolling: true,
    store: MongoStore.create({
      clientPromise,
      collectionName: 'sessions',
      autoRemove: 'disabled',
      ttl: IDLE_TIMEOUT_MS / 1000,
      // Objects, not strings: a disabled user's sessions can then be found and removed.
      stringify: false,
      touchAfter: 60,
    }),
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.isProduction,
      maxAge: IDLE_TIMEOUT_MS,
      path: '/',
    },
  });
}

/** Ends sessions older than the absolute lifetime, however active they have been. */
export const absoluteTimeout: RequestHandler = (req, res, next) => {
  if (!req.user) return next();
  // passport saves the regenerated session before the login handler stamps signedInAt, so a
  // request racing that save may see a user without it: start the clock then.
  const since = (req.session.signedInAt ??= Date.now());
  if (Date.now() - since <= ABSOLUTE_TIMEOUT_MS) return next();
  req.session.destroy(() => {
    res.clearCookie(SESSION_COOKIE);
    if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
      res.redirect(`/login?expired=1&next=${encodeURIComponent(req.originalUrl)}`);
    } else {
      res.status(401).json({ error: { code: 'session_expired', message: 'Session expired' } });
    }
  });
};
