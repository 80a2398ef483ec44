import type { RequestHandler } from 'express';
import { BadRequestError } from '../lib/errors.js';

/**
 * Refuses bodies and query strings holding a NUL character. No form or API field needs one,
 * and PostgreSQL (under FerretDB) cannot store it in a document, so it would fail as a 500 at
 * the database instead of a clear 400 here.
 */
function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([k, v]) => k.includes('\u0000') || holdsNul(v, depth + 1),
  );
}

export const rejectNulCharacters: RequestHandler = (req, _res, next) => {
  if (holdsNul(req.body) || holdsNul(req.query)) return next(new BadRequestError('errors.nulCharacter'));
  next();
};
