import type { Request, RequestHandler, Response } from 'express';
import { config } from '../config/index.js';
import { takeFlash } from '../lib/flash.js';
import { formatDate, isLocale, translator } from '../lib/i18n.js';
import { can, canOnRecord, type Action } from '../lib/permissions.js';
import { csrfToken } from './csrf.js';

/** Everything a page needs: the user, their language and time zone, flash, CSRF and permissions. */
export function applyViewLocals(req: Request, res: Response): void {
  const user = req.user ?? null;
  const sessionLocale = req.session?.locale;
  const locale = user?.locale ?? (isLocale(sessionLocale) ? sessionLocale : config.defaultLocale);
  const timeZone = user?.timeZone ?? config.defaultTimeZone;
  req.locale = locale;
  const t = translator(locale);

  res.locals.t = t;
  res.locals.translatorFor = translator;
  res.locals.locale = locale;
  res.locals.timeZone = timeZone;
  res.locals.currentUser = user;
  res.locals.currentPath = req.path;
  res.locals.currentUrl = req.originalUrl;
  res.locals.flashMessages = takeFlash(req);
  // Without a session (database down) no form can be submitted anyway.
  res.locals.csrfToken = () => (req.session ? csrfToken(req) : '');
  res.locals.can = (action: Action) => can(user, action);
  res.locals.canOnRecord = (action: Action, ownerId: unknown) =>
    canOnRecord(user, action, ownerId as { toString(): string } | null);
  res.locals.fmtDate = (value: Date | string | null | undefined, withTime = true) =>
    formatDate(value, locale, timeZone, withTime);
}

export const viewLocals: RequestHandler = (req, res, next) => {
  applyViewLocals(req, res);
  next();
};
