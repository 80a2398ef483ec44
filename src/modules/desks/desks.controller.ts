import type { Request, Response } from 'express';
import { flash } from '../../lib/flash.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { userNames } from '../users/index.js';
import { PRIORITIES } from './desk.model.js';
import * as admin from './desks.admin.service.js';
import { slaField, type DeskInput } from './desks.schemas.js';
import { findDesk } from './desks.service.js';

/** Choices every desk form shows. */
export async function formLocals(): Promise<Record<string, unknown>> {
  return {
    priorities: PRIORITIES,
    slaField,
    users: await admin.memberChoices(),
    timeZones: Intl.supportedValuesOf('timeZone'),
    desk: null,
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as admin.DeskListFilter;
  const page = await admin.listDeskPage(filter);
  const leads = await userNames(page.rows.map((d) => d.lead));
  await renderPage(res, 'admin/desks/index', {
    page,
    filter,
    leads,
    priorities: PRIORITIES,
    title: res.locals.t('desks.title'),
  });
}

export async function newForm(_req: Request, res: Response): Promise<void> {
  const values: Record<string, unknown> = { timeZone: 'Asia/Shanghai', members: [] };
  for (const p of PRIORITIES) {
    values[slaField(p, 'ack')] = admin.DEFAULT_SLA[p].ackHours;
    values[slaField(p, 'resolve')] = admin.DEFAULT_SLA[p].resolveHours;
  }
  await renderPage(res, 'admin/desks/form', {
    ...(await formLocals()),
    values,
    errors: {},
    title: res.locals.t('desks.newTitle'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const desk = await admin.createDesk(req.valid.body as DeskInput, auditContext(req));
  flash(req, 'success', res.locals.t('desks.created', { name: desk.name }));
  res.redirect('/admin/desks');
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const desk = await findDesk(id);
  await renderPage(res, 'admin/desks/form', {
    ...(await formLocals()),
    desk,
    archiveProblem: await admin.archiveProblem(desk),
    values: await admin.deskFormValues(desk),
    errors: {},
    title: res.locals.t('desks.editTitle'),
  });
}

/** Locals for re-showing the edit form after a rejected update. */
export async function editLocals(req: Request): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const desk = await findDesk(id);
  return { ...(await formLocals()), desk, archiveProblem: await admin.archiveProblem(desk) };
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const desk = await admin.updateDesk(id, req.valid.body as DeskInput, auditContext(req));
  flash(req, 'success', res.locals.t('desks.updated', { name: desk.name }));
  res.redirect('/admin/desks');
}

export async function archive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const problem = await admin.archiveProblem(await findDesk(id));
  if (problem) {
    // Refused before anything is written; the edit page says why.
    flash(req, 'danger', res.locals.t(problem));
    res.redirect(`/admin/desks/${id}/edit`);
    return;
  }
  const desk = await admin.setDeskArchived(id, true, auditContext(req));
  flash(req, 'success', res.locals.t('desks.archivedMsg', { name: desk.name }));
  res.redirect('/admin/desks');
}

export async function unarchive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const desk = await admin.setDeskArchived(id, false, auditContext(req));
  flash(req, 'success', res.locals.t('desks.unarchivedMsg', { name: desk.name }));
  res.redirect(`/admin/desks/${id}/edit`);
}
