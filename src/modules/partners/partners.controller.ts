import type { Request, Response } from 'express';
import { countryName, countryOptions } from '../../lib/countries.js';
import { NotFoundError } from '../../lib/errors.js';
import { flash } from '../../lib/flash.js';
import { safeNext } from '../../lib/http.js';
import { can, canOnRecord } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { activeUsers, userNames } from '../users/index.js';
import { mergePartners, type MergeChoice, type MergeField } from './merge.service.js';
import { partnerSections } from './partner-extensions.js';
import { ALLIANCE_STATUSES, PARTNER_TYPES, type Partner } from './partner.model.js';
import type { PartnerInput, PartnerListFilter } from './partners.schemas.js';
import * as partners from './partners.service.js';

/** Choices every partner form shows, in the viewer's language. */
export async function formLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  return {
    types: PARTNER_TYPES,
    statuses: ALLIANCE_STATUSES,
    countries: countryOptions(res.locals.locale),
    owners: can(req.user, 'partners.update') ? await activeUsers() : null,
    partner: null,
  };
}

function formValues(p: Partner): Record<string, unknown> {
  return { ...p, tags: p.tags.join('; '), owner: p.owner ? p.owner.toHexString() : '' };
}

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as PartnerListFilter;
  const page = await partners.listPartners(filter, req.user);
  const [owners, users] = await Promise.all([userNames(page.rows.map((r) => r.owner)), activeUsers()]);
  await renderPage(res, 'partners/index', {
    page,
    filter,
    owners,
    users,
    types: PARTNER_TYPES,
    statuses: ALLIANCE_STATUSES,
    countries: countryOptions(res.locals.locale),
    countryName: (code: string) => countryName(code, res.locals.locale),
    canBulk: can(req.user, 'partners.bulk'),
    title: res.locals.t('partners.title'),
  });
}

export async function newForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'partners/form', {
    ...(await formLocals(req, res)),
    values: { allianceStatus: 'prospect', owner: req.user!._id.toHexString() },
    errors: {},
    title: res.locals.t('partners.newTitle'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const partner = await partners.createPartner(req.valid.body as PartnerInput, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('partners.created', { name: partner.name }));
  res.redirect(`/partners/${partner._id.toHexString()}`);
}

export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const partner = await partners.findPartner(id);
  const user = req.user!;
  const ctx = { user, query: req.query as Record<string, unknown> };
  const loaded = await Promise.all(
    partnerSections().map(async (s) => ({ key: s.key, view: s.view, locals: await s.load(partner, ctx) })),
  );
  const names = await userNames([partner.owner]);
  const survivor = partner.mergedInto
    ? await partners.findPartner(partner.mergedInto).catch(() => null)
    : null;
  await renderPage(res, 'partners/show', {
    partner,
    survivor,
    sections: loaded.filter((s) => s.locals !== null),
    ownerName: partner.owner ? (names.get(partner.owner.toHexString()) ?? '') : '',
    countryLabel: countryName(partner.country, res.locals.locale),
    canEdit: partners.canEditPartner(user, partner) && !partner.mergedInto,
    canArchive: canOnRecord(user, 'partners.archive', partner.owner) && !partner.mergedInto,
    canMerge: can(user, 'partners.merge') && !partner.archivedAt,
    canReassign: can(user, 'partners.bulk') && !partner.archivedAt,
    users: can(user, 'partners.bulk') ? await activeUsers() : [],
    title: partner.name,
  });
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const partner = await partners.findPartner(id);
  partners.assertCanEdit(req.user, partner);
  await renderPage(res, 'partners/form', {
    ...(await formLocals(req, res)),
    partner,
    values: formValues(partner),
    errors: {},
    title: res.locals.t('partners.editTitle'),
  });
}

/** Locals for re-showing the edit form after a rejected update. */
export async function editLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  return { ...(await formLocals(req, res)), partner: await partners.findPartner(id) };
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const partner = await partners.updatePartner(
    id,
    req.valid.body as PartnerInput,
    req.user!,
    auditContext(req),
  );
  flash(req, 'success', res.locals.t('partners.updated', { name: partner.name }));
  res.redirect(`/partners/${id}`);
}

export async function archive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const partner = await partners.setArchived(id, true, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('partners.archivedMsg', { name: partner.name }));
  res.redirect(`/partners/${id}`);
}

export async function unarchive(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const partner = await partners.setArchived(id, false, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('partners.unarchivedMsg', { name: partner.name }));
  res.redirect(`/partners/${id}`);
}

export async function reassign(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { owner } = req.valid.body as { owner: string | null };
  const partner = await partners.reassignOwner(id, owner, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('partners.updated', { name: partner.name }));
  res.redirect(`/partners/${id}`);
}

export async function bulk(req: Request, res: Response): Promise<void> {
  const body = req.valid.body as {
    ids: string[];
    operation: 'owner' | 'tag';
    owner: string | null;
    tag?: string;
    back?: string;
  };
  const change = body.operation === 'owner' ? { owner: body.owner } : { addTag: body.tag! };
  const count = await partners.bulkUpdate(body.ids, change, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('partners.bulkDone', { count }));
  res.redirect(safeNext(body.back, '/partners'));
}

export async function mergeForm(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { q, otherId } = req.valid.query as { q?: string; otherId?: string };
  const partner = await partners.findLivePartner(id);
  const candidates = q
    ? (await partners.searchPartners(q, 20)).filter((p) => !p._id.equals(partner._id))
    : [];
  let other: Partner | null = null;
  if (otherId) {
    other = await partners.findPartner(otherId);
    if (other._id.equals(partner._id) || other.mergedInto) throw new NotFoundError();
  }
  const names = await userNames([partner.owner, other?.owner]);
  await renderPage(res, 'partners/merge', {
    partner,
    other,
    candidates,
    q: q ?? '',
    ownerNames: names,
    countryName: (code: string) => countryName(code, res.locals.locale),
    title: res.locals.t('partners.mergeTitle'),
  });
}

export async function merge(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { otherId, ...choices } = req.valid.body as { otherId: string } & Record<MergeField, MergeChoice>;
  const result = await mergePartners(id, otherId, choices, req.user!, auditContext(req));
  const moved = Object.entries(result.moved)
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
  flash(req, 'success', res.locals.t('partners.merged', { name: result.survivor.name, moved: moved || '—' }));
  res.redirect(`/partners/${id}`);
}
