import type { Request, Response } from 'express';
import { countryName, countryOptions } from '../../lib/countries.js';
import { flash } from '../../lib/flash.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { partnerNames } from '../partners/index.js';
import { dayString, formatDay, formatDays, today } from './dates.js';
import type { CrmEvent } from './event.model.js';
import type { EventInput, EventListFilter, EventPageQuery } from './events.schemas.js';
import * as events from './events.service.js';

/** Date and country helpers every events view uses (event days are shown in UTC: see dates.ts). */
function viewHelpers(res: Response) {
  const locale = res.locals.locale;
  return {
    fmtDay: (d: Date | null | undefined) => formatDay(d, locale),
    fmtDays: (start: Date, end: Date | null | undefined) => formatDays(start, end, locale),
    countryLabel: (code: string | null | undefined) => countryName(code, locale),
  };
}

function eventValues(event: CrmEvent): Record<string, unknown> {
  return {
    name: event.name,
    nameLocal: event.nameLocal ?? '',
    startsAt: dayString(event.startsAt),
    endsAt: dayString(event.endsAt),
    city: event.city ?? '',
    country: event.country ?? '',
    description: event.description ?? '',
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as EventListFilter;
  const todayUtc = today(res.locals.timeZone);
  const [page, years, partner] = await Promise.all([
    events.listEvents(filter, todayUtc),
    events.eventYears(),
    filter.partner ? partnerNames([filter.partner]) : Promise.resolve(null),
  ]);
  await renderPage(res, 'events/index', {
    ...viewHelpers(res),
    page,
    filter,
    years,
    todayUtc,
    filterPartner: partner?.get(filter.partner) ?? null,
    countries: countryOptions(res.locals.locale),
    title: res.locals.t('events.title'),
  });
}

/** Locals of the event form, new or edit (also when it is shown again after a rejected save). */
export async function formLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const params = req.valid?.params as { id?: string } | undefined;
  const event = params?.id ? await events.findEvent(params.id) : null;
  return {
    event,
    countries: countryOptions(res.locals.locale),
    title: res.locals.t(event ? 'events.editTitle' : 'events.newTitle'),
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'events/form', { ...(await formLocals(req, res)), values: {}, errors: {} });
}

export async function create(req: Request, res: Response): Promise<void> {
  const event = await events.createEvent(req.valid.body as EventInput, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.created', { name: event.name }));
  res.redirect(`/events/${event._id.toHexString()}`);
}

async function pageLocals(
  req: Request,
  res: Response,
  query: EventPageQuery,
): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const event = await events.findEvent(id);
  const page = await events.loadEventPage(event, req.user!, query);
  return {
    ...viewHelpers(res),
    event,
    page,
    query,
    canWrite: can(req.user, 'events.write'),
    title: event.name,
  };
}

export async function show(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as EventPageQuery;
  await renderPage(res, 'events/show', { ...(await pageLocals(req, res, query)), values: {}, errors: {} });
}

/** The event page again after a rejected attach, with the picker the user was using. */
export async function showLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length <= 100 ? v.trim() : '');
  const cp = text(body.cp);
  return pageLocals(req, res, { pq: text(body.pq), cp: /^[0-9a-f]{24}$/i.test(cp) ? cp : '' });
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const locals = await formLocals(req, res);
  await renderPage(res, 'events/form', {
    ...locals,
    values: eventValues(locals.event as CrmEvent),
    errors: {},
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const event = await events.updateEvent(id, req.valid.body as EventInput, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.updated', { name: event.name }));
  res.redirect(`/events/${id}`);
}

export async function archive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const event = await events.archiveEvent(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.archivedMsg', { name: event.name }));
  res.redirect('/events');
}

export async function attachPartners(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { partnerIds } = req.valid.body as { partnerIds: string[] };
  const count = await events.attachPartners(id, partnerIds, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.partnersAdded', { count }));
  res.redirect(`/events/${id}#partners-met`);
}

export async function removePartner(req: Request, res: Response): Promise<void> {
  const { id, partnerId } = req.valid.params as { id: string; partnerId: string };
  const { contactsRemoved } = await events.detachPartner(id, partnerId, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.partnerRemoved', { count: contactsRemoved }));
  res.redirect(`/events/${id}#partners-met`);
}

export async function attachContacts(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { contactIds } = req.valid.body as { contactIds: string[] };
  const count = await events.attachContacts(id, contactIds, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.contactsAdded', { count }));
  res.redirect(`/events/${id}#contacts-met`);
}

export async function removeContact(req: Request, res: Response): Promise<void> {
  const { id, contactId } = req.valid.params as { id: string; contactId: string };
  await events.detachContact(id, contactId, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('events.contactRemoved'));
  res.redirect(`/events/${id}#contacts-met`);
}
