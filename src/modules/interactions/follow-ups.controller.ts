import type { Request, Response } from 'express';
import { ForbiddenError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { listFollowUps, markFollowUpDone, rescheduleFollowUp } from './follow-ups.service.js';
import type { FollowUpListQuery } from './interactions.schemas.js';
import { assigneeChoices, followUpStateFn, namesFor } from './interactions.service.js';
import { toLocalDay } from '../../lib/local-time.js';

const DEFAULT_QUERY: FollowUpListQuery = { state: 'open', assignee: 'me', after: '' };

/** Everyone's follow-ups are for managers and admins; others see their own. */
function assigneeOf(req: Request, assignee: string): string | null {
  const seesAll = can(req.user, 'followups.update');
  if (assignee === 'me' || assignee === req.user!._id.toHexString()) return req.user!._id.toHexString();
  if (!seesAll) throw new ForbiddenError();
  return assignee === 'all' ? null : assignee;
}

async function listLocals(
  req: Request,
  res: Response,
  query: FollowUpListQuery,
): Promise<Record<string, unknown>> {
  const seesAll = can(req.user, 'followups.update');
  const page = await listFollowUps({
    state: query.state,
    assignee: assigneeOf(req, query.assignee),
    after: query.after || undefined,
  });
  const [names, assignees] = await Promise.all([namesFor(page.rows), seesAll ? assigneeChoices() : []]);
  return {
    page,
    names,
    query,
    seesAll,
    assignees,
    minFollowUp: toLocalDay(new Date(), res.locals.timeZone),
    followUpState: followUpStateFn(res.locals.timeZone),
    currentUrl: req.originalUrl,
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  const locals = await listLocals(req, res, req.valid.query as FollowUpListQuery);
  await renderPage(res, 'follow-ups/index', { ...locals, values: {}, errors: {} });
}

/** Re-shows the list after a rejected reschedule, the error next to that row's date. */
export async function rescheduleLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const locals = await listLocals(req, res, DEFAULT_QUERY);
  return { ...locals, rescheduleId: id, currentUrl: '/follow-ups' };
}

function back(next: string): string {
  return next || '/follow-ups';
}

export async function done(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { next } = req.valid.body as { next: string };
  await markFollowUpDone(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('followUps.markedDone'));
  res.redirect(back(next));
}

export async function reschedule(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { followUpAt, next } = req.valid.body as { followUpAt: string; next: string };
  const after = await rescheduleFollowUp(id, followUpAt, req.user!, auditContext(req), {
    timeZone: res.locals.timeZone,
  });
  flash(
    req,
    'success',
    res.locals.t('followUps.rescheduled', { date: res.locals.fmtDate(after.followUpAt, false) }),
  );
  res.redirect(back(next));
}
