import type { Request, Response } from 'express';
import { flash } from '../../lib/flash.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { formChoices } from './users.controller.js';
import * as users from './users.service.js';

export async function profileLocals(req: Request): Promise<Record<string, unknown>> {
  return { ...formChoices(), user: await users.findUser(req.user!._id.toHexString()) };
}

export async function show(req: Request, res: Response): Promise<void> {
  const locals = await profileLocals(req);
  await renderPage(res, 'profile/show', { ...locals, values: locals.user, errors: {} });
}

export async function update(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as { name: string; locale: 'en' | 'zh-CN'; timeZone: string };
  await users.updateProfile(req.user!._id.toHexString(), body, auditContext(req));
  req.session.locale = body.locale;
  flash(req, 'success', res.locals.translatorFor(body.locale)('profile.saved'));
  res.redirect('/profile');
}

export async function changePassword(req: Request, res: Response): Promise<void> {
  const { currentPassword, newPassword } = req.valid.body as { currentPassword: string; newPassword: string };
  const id = req.user!._id.toHexString();
  await users.changeOwnPassword(id, currentPassword, newPassword, auditContext(req));
  // Other sessions end; this one gets a fresh id and carries on.
  await users.endSessionsOf(id);
  const user = req.user!;
  await new Promise<void>((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));
  req.session.signedInAt = Date.now();
  flash(req, 'success', res.locals.t('profile.passwordChanged'));
  res.redirect('/profile');
}
