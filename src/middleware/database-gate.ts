import type { RequestHandler } from 'express';
import { databaseReady } from '../lib/db/index.js';
import { ServiceUnavailableError } from '../lib/errors.js';

/** While the database is starting or away, answer 503 at once instead of letting requests hang. */
export const databaseGate: RequestHandler = (_req, res, next) => {
  if (databaseReady()) return next();
  res.setHeader('Retry-After', '5');
  next(new ServiceUnavailableError());
};
