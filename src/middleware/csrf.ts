import type { Request } from 'express';
import { csrfSync } from 'csrf-sync';

// Synchroniser token kept in the session; forms send `_csrf`, scripts the X-CSRF-Token header.
const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req: Request) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body?._csrf === 'string') return body._csrf;
    const header = req.headers['x-csrf-token'];
    return typeof header === 'string' ? header : undefined;
  },
});

export const csrfProtection = csrfSynchronisedProtection;
export const csrfToken = (req: Request): string => generateToken(req);
