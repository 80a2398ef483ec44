import type { ErrorRequestHandler, RequestHandler } from 'express';
import { TooManyRequestsError, UnauthorizedError, ValidationError } from '../../lib/errors.js';
import { translator } from '../../lib/i18n.js';
import { config } from '../../config/index.js';
import { takeRequest } from './rate-limit.js';
import { authenticateToken } from './tokens.service.js';

/**
 * `Authorization: Bearer <token>` for /api/v1: the token's user becomes req.user for this
 * request only. No session is read or written and no CSRF token is needed: a browser never
 * adds this header by itself, so a forged cross-site request carries no credentials.
 */
export const bearerAuth: RequestHandler = async (req, res, next) => {
  res.locals.t = translator(config.defaultLocale);
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const found = m ? await authenticateToken(m[1]!) : null;
  if (!found) {
    res.setHeader('WWW-Authenticate', 'Bearer realm="alliance-crm"');
    next(new UnauthorizedError('api.errors.unauthorized'));
    return;
  }
  req.user = found.user;
  res.locals.t = translator(found.user.locale);
  res.locals.apiTokenId = found.tokenId;
  const rate = await takeRequest(found.tokenId);
  res.setHeader('X-RateLimit-Limit', String(rate.limit));
  res.setHeader('X-RateLimit-Remaining', String(rate.remaining));
  res.setHeader('X-RateLimit-Reset', String(rate.resetIn));
  if (!rate.allowed) {
    next(new TooManyRequestsError(rate.resetIn, 'api.errors.rateLimited'));
    return;
  }
  next();
};

export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

/**
 * Service errors carry translation keys in their field details; the API answers with the
 * translated texts (the shared error middleware then writes `{error: {code, message, details}}`).
 */
export const translateDetails: ErrorRequestHandler = (err, _req, res, next) => {
  if (err instanceof ValidationError) {
    const t = res.locals.t;
    // validate() has translated already; services give keys ("plaques.errors.eventUnknown").
    const fields = Object.fromEntries(
      Object.entries(err.fields).map(([k, v]) => [k, /^[a-z][A-Za-z]*(\.[A-Za-z_]+)+$/.test(v) ? t(v) : v]),
    );
    next(new ValidationError(fields, err.message));
    return;
  }
  next(err);
};
