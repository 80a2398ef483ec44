import type { Request, Response } from 'express';
import { LOCALES } from '../../config/index.js';
import { flash } from '../../lib/flash.js';
import { ROLES } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { listDesks } from '../desks/index.js';
import * as users from './users.service.js';
import type { CreateUserInput, UpdateUserInput } from './users.schemas.js';

/** Choices every user form shows. */
export const formChoices = () => ({
  roles: ROLES,
  locales: LOCALES,
  timeZones: Intl.supportedValuesOf('timeZone'),
});

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as users.UserListFilter;
  const page = await users.listUsers(filter);
  await renderPage(res, 'admin/users/index', { page, filter, roles: ROLES });
}

/** Choices of the new-user form, desks included. */
export async function newFormLocals(): Promise<Record<string, unknown>> {
  return { ...formChoices(), deskChoices: await listDesks() };
}

export async function newForm(_req: Request, res: Response): Promise<void> {
  await renderPage(res, 'admin/users/new', {
    ...(await newFormLocals()),
    values: { locale: res.locals.locale, timeZone: res.locals.timeZone, role: 'coordinator' },
    errors: {},
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const user = await users.createUser(req.valid.body as CreateUserInput, auditContext(req));
  flash(req, 'success', res.locals.t('users.created', { email: user.email }));
  res.redirect(`/admin/users/${user._id.toHexString()}`);
}

export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const user = await users.findUser(id);
  await renderPage(res, 'admin/users/show', {
    ...formChoices(),
    deskChoices: await listDesks(),
    user,
    values: { ...user, desks: user.desks.map(String) },
    errors: {},
  });
}

/** Locals for re-showing the edit form after a rejected update. */
export async function showLocals(req: Request): Promise<Record<string, unknown>> {
  // req.params is the app's again by the time the error middleware runs; the validated id stays.
  const { id } = req.valid.params as { id: string };
  const user = await users.findUser(id);
  return { ...formChoices(), deskChoices: await listDesks(), user };
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const user = await users.updateUser(id, req.valid.body as UpdateUserInput, auditContext(req));
  flash(req, 'success', res.locals.t('users.updated', { email: user.email }));
  res.redirect(`/admin/users/${id}`);
}

export async function disable(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const user = await users.setDisabled(id, true, auditContext(req));
  flash(req, 'success', res.locals.t('users.disabledMsg', { email: user.email }));
  res.redirect(`/admin/users/${id}`);
}

export async function enable(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const user = await users.setDisabled(id, false, auditContext(req));
  flash(req, 'success', res.locals.t('users.enabledMsg', { email: user.email }));
  res.redirect(`/admin/users/${id}`);
}

export async function resetPassword(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { password } = req.valid.body as { password: string };
  const user = await users.setPassword(id, password, auditContext(req));
  // Sessions opened with the old password end, as after any credential change.
  await users.endSessionsOf(user._id);
  flash(req, 'success', res.locals.t('users.passwordReset', { email: user.email }));
  res.redirect(`/admin/users/${id}`);
}
