import { Router, type Request, type RequestHandler, type Response } from 'express';
import { flash } from '../../lib/flash.js';
import { logger } from '../../lib/logger.js';
import { allow, can } from '../../lib/permissions.js';
import { idParams, Joi, validate } from '../../lib/validation.js';
import { renderPage } from '../../lib/views.js';
import { listNotifications, markAllRead, markRead, unreadCount } from './notifications.service.js';

declare module 'express-serve-static-core' {
  interface Locals {
    /** Unread notifications of the signed-in user, for the header bell (HTML GET pages only). */
    unreadNotifications?: number;
  }
}

/** Sets res.locals.unreadNotifications for the header bell: one indexed count per page view. */
export const unreadNotifications: RequestHandler = async (req, res, next) => {
  if (req.method !== 'GET' || !req.user || !can(req.user, 'notifications.read')) return next();
  if (req.path.startsWith('/api/') || req.accepts(['html', 'json']) !== 'html') return next();
  try {
    res.locals.unreadNotifications = await unreadCount(req.user._id);
  } catch (err) {
    // The bell is a nicety: a failed count must not cost the user the page.
    logger.warn({ err, reqId: req.id }, 'unread notification count failed');
  }
  next();
};

const listQuery = Joi.object({ after: Joi.string().max(300).allow('').default('') });

async function index(req: Request, res: Response): Promise<void> {
  const { after } = req.valid.query as { after: string };
  const page = await listNotifications(req.user!._id, after || undefined);
  await renderPage(res, 'notifications/index', { page, query: { after } });
}

async function read(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const link = await markRead(id, req.user!._id);
  res.redirect(link ?? '/notifications');
}

async function readAll(req: Request, res: Response): Promise<void> {
  await markAllRead(req.user!._id);
  flash(req, 'success', res.locals.t('notifications.allRead'));
  res.redirect('/notifications');
}

export const notificationsRouter = Router();
const reader = allow('notifications.read');

notificationsRouter.get('/', reader, validate({ query: listQuery }), index);
notificationsRouter.post('/read-all', reader, readAll);
notificationsRouter.post('/:id/read', reader, validate({ params: idParams }), read);
