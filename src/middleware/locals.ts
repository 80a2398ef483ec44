import type { RequestHandler } from 'express';
import { config } from '../config/index.js';
import { takeFlash } from '../lib/flash.js';
import { formatDate, isLocale, translator } from '../lib/i18n.js';
import { can, canOnRecord, type Action } from '../lib/permissions.js';
import { csrfToken } from './csrf.js';

/** Everything a page needs: the user, their language and time zone, flash, CSRF and permissions. */
export const viewLocals: RequestHandler = (req, res, next) => {
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
  res.locals.csrfToken = () => csrfToken(req);
  res.locals.can = (action: Action) => can(user, action);
  res.locals.canOnRecord = (action: Action, ownerId: unknown) =>
    canOnRecord(user, action, ownerId as { toString(): string } | null);
  res.locals.fmtDate = (value: Date | string | null | undefined, withTime = true) =>
    formatDate(value, locale, timeZone, withTime);
  next();
};
