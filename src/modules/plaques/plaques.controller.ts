import type { Request, Response } from 'express';
import { config } from '../../config/index.js';
import { countryName, countryOptions } from '../../lib/countries.js';
import { flash } from '../../lib/flash.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { formatDay, recentEvents } from '../events/index.js';
import { findLivePartner, type Partner } from '../partners/index.js';
import { dayString } from './dates.js';
import { ELIGIBLE_TYPE, isEligible, kindForPartnerType } from './eligibility.js';
import { PLAQUE_KINDS, PLAQUE_STATUSES, type PlaqueKind } from './plaque.model.js';
import type { NewPlaqueQuery, PlaqueInput, PlaqueListFilter, RevokeInput } from './plaques.schemas.js';
import * as plaques from './plaques.service.js';

function dayLocals(res: Response) {
  const locale = res.locals.locale;
  return {
    fmtDay: (d: Date | null | undefined) => formatDay(d, locale),
    countryLabel: (code: string | null | undefined) => countryName(code, locale),
  };
}

/** Public verification address printed on the certificate. */
export function verifyUrl(serial: string): string {
  return `${config.appUrl}/verify/${encodeURIComponent(serial)}`;
}

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as PlaqueListFilter;
  const [page, events, years] = await Promise.all([
    plaques.listPlaques(filter),
    recentEvents(100),
    plaques.plaqueYears(),
  ]);
  const names = await plaques.namesFor(page.rows);
  await renderPage(res, 'plaques/index', {
    page,
    names,
    filter,
    events,
    years,
    kinds: PLAQUE_KINDS,
    statuses: PLAQUE_STATUSES,
    countries: countryOptions(res.locals.locale),
    canAward: can(req.user, 'plaques.award'),
    ...dayLocals(res),
    title: res.locals.t('plaques.title'),
  });
}

function isKind(value: unknown): value is PlaqueKind {
  return typeof value === 'string' && (PLAQUE_KINDS as readonly string[]).includes(value);
}

/**
 * The award form's locals: the kinds, the eligible partners for the chosen kind (searched with
 * `pq`), and a partner to start from (from its page). Used for the first show and re-renders.
 */
async function awardLocals(
  res: Response,
  state: { kind: unknown; pq: unknown; partner: unknown },
): Promise<Record<string, unknown>> {
  let kind = isKind(state.kind) ? state.kind : null;
  const pq = typeof state.pq === 'string' ? state.pq.slice(0, 100) : '';
  let chosen: Partner | null = null;
  if (typeof state.partner === 'string' && /^[0-9a-f]{24}$/i.test(state.partner)) {
    chosen = await findLivePartner(state.partner).catch(() => null);
    if (chosen && !kind) kind = kindForPartnerType(chosen.type);
    if (chosen && kind && !isEligible(kind, chosen.type)) chosen = null;
  }
  const [candidates, events] = await Promise.all([
    kind ? plaques.eligiblePartners(kind, pq) : Promise.resolve([]),
    recentEvents(100),
  ]);
  if (chosen && !candidates.some((c) => c._id.equals(chosen._id))) candidates.unshift(chosen);
  return {
    kinds: PLAQUE_KINDS,
    eligibleType: ELIGIBLE_TYPE,
    kind,
    pq,
    candidates,
    events,
    ...dayLocals(res),
    title: res.locals.t('plaques.newTitle'),
  };
}

export async function awardFormLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return awardLocals(res, { kind: body.kind, pq: body.pq, partner: body.partner });
}

export async function newForm(req: Request, res: Response): Promise<void> {
  const query = req.valid.query as NewPlaqueQuery;
  const locals = await awardLocals(res, query);
  const today = plaques.allianceToday();
  const until = new Date(today);
  until.setUTCFullYear(until.getUTCFullYear() + 3);
  until.setUTCDate(until.getUTCDate() - 1);
  const candidates = locals.candidates as { _id: { toHexString(): string } }[];
  await renderPage(res, 'plaques/new', {
    ...locals,
    values: {
      kind: locals.kind ?? '',
      partner: query.partner || (candidates.length === 1 ? candidates[0]!._id.toHexString() : ''),
      event: query.event,
      awardedAt: dayString(today),
      validUntil: dayString(until),
      pq: query.pq,
    },
    errors: {},
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const plaque = await plaques.awardPlaque(req.valid.body as PlaqueInput, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('plaques.awarded', { serial: plaque.serial }));
  res.redirect(`/plaques/${plaque._id.toHexString()}`);
}

/** Locals of the plaque page (also when the revoke form is shown again with an error). */
export async function showLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const details = await plaques.plaqueDetails(id);
  return {
    ...details,
    canRevoke: plaques.canRevoke(req.user, details.plaque),
    verifyUrl: verifyUrl(details.plaque.serial),
    ...dayLocals(res),
    title: details.plaque.serial,
  };
}

export async function show(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'plaques/show', { ...(await showLocals(req, res)), values: {}, errors: {} });
}

export async function revoke(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { reason } = req.valid.body as RevokeInput;
  const plaque = await plaques.revokePlaque(id, reason, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('plaques.revoked', { serial: plaque.serial }));
  res.redirect(`/plaques/${id}`);
}

/** The printable certificate: a document of its own (no navigation), A4 landscape in print. */
export async function certificate(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const { plaque, partner, event } = await plaques.plaqueDetails(id);
  const en = res.locals.translatorFor('en');
  const zh = res.locals.translatorFor('zh-CN');
  res.render('plaques/certificate', {
    plaque,
    partner,
    event,
    en,
    zh,
    verifyUrl: verifyUrl(plaque.serial),
    awardedEn: formatDay(plaque.awardedAt, 'en'),
    awardedZh: formatDay(plaque.awardedAt, 'zh-CN'),
    validEn: formatDay(plaque.validUntil, 'en'),
    validZh: formatDay(plaque.validUntil, 'zh-CN'),
    title: `${plaque.serial} · ${res.locals.t('plaques.certificate')}`,
  });
}

export async function verify(req: Request, res: Response): Promise<void> {
  const { serial } = req.valid.params as { serial: string };
  const plaque = await plaques.verifySerial(serial);
  await renderPage(res, 'plaques/verify', {
    plaque,
    ...dayLocals(res),
    title: res.locals.t('plaques.verify.title'),
  });
}
