import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, Response } from 'express';
import { barChart } from '../../lib/charts.js';
import { countryName, countryOptions } from '../../lib/countries.js';
import { flash } from '../../lib/flash.js';
import { safeNext } from '../../lib/http.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { attachmentHeader } from '../../middleware/uploads.js';
import { auditContext } from '../audit/index.js';
import { liveEventNames, recentEvents } from '../events/index.js';
import { PARTNER_TYPES, partnerNames, searchPartners } from '../partners/index.js';
import { activeUsers, userNames } from '../users/index.js';
import { CATEGORIES, type Agreement } from './agreement.model.js';
import { pipelineMetrics, resolvePeriod } from './agreements.metrics.js';
import type {
  AgreementInput,
  AgreementListFilter,
  BoardFilter,
  MetricsQuery,
  StageInput,
} from './agreements.schemas.js';
import * as agreements from './agreements.service.js';
import { currencyOptions } from './currencies.js';
import { dayString } from './dates.js';
import { allowedNext, isTerminal, needsNote, STAGES, type Stage } from './stages.js';

const PICKER_LIMIT = 20;

type Row = Pick<Agreement, 'partners' | 'owner' | 'event'>;

/** Helpers every agreements view uses: money per currency, calendar days (shown in UTC), names. */
export function viewHelpers(res: Response) {
  const locale = res.locals.locale;
  const money = new Map<string, Intl.NumberFormat>();
  return {
    fmtMoney: (amount: number | null | undefined, currency: string | null | undefined) => {
      if (amount == null || !currency) return '';
      let f = money.get(currency);
      if (!f) {
        f = new Intl.NumberFormat(locale, { style: 'currency', currency, maximumFractionDigits: 2 });
        money.set(currency, f);
      }
      return f.format(amount);
    },
    fmtDay: (d: Date | null | undefined) =>
      d ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(d) : '',
    countryLabel: (code: string | null | undefined) => countryName(code, locale),
    stages: STAGES,
    allowedNext,
    isTerminal,
    needsNote,
  };
}

/** Partner, owner and event names for a set of rows, in three queries. */
async function namesFor(rows: Row[]) {
  const [partners, owners, events] = await Promise.all([
    partnerNames(rows.flatMap((r) => r.partners)),
    userNames(rows.map((r) => r.owner)),
    liveEventNames(rows.map((r) => r.event)),
  ]);
  return { partnerNames: partners, ownerNames: owners, eventNames: events };
}

/** People who can own an agreement, for managers' owner pickers. */
async function ownerOptions(): Promise<{ _id: unknown; name: string }[]> {
  const users = await activeUsers();
  return users.filter((u) => u.role === 'admin' || u.role === 'manager' || u.role === 'coordinator');
}

// ---- list, board, metrics ----------------------------------------------------------------------

export async function index(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as AgreementListFilter;
  const page = await agreements.listAgreements(filter, req.user);
  const [names, users, events, filterPartner] = await Promise.all([
    namesFor(page.rows),
    activeUsers(),
    recentEvents(100),
    filter.partner ? partnerNames([filter.partner]) : Promise.resolve(null),
  ]);
  await renderPage(res, 'agreements/index', {
    ...viewHelpers(res),
    ...names,
    page,
    filter,
    users,
    events,
    filterPartner: filterPartner?.get(filter.partner) ?? null,
    categories: CATEGORIES,
    partnerTypes: PARTNER_TYPES,
    countries: countryOptions(res.locals.locale),
    title: res.locals.t('agreements.title'),
  });
}

export async function board(req: Request, res: Response): Promise<void> {
  const filter = req.valid.query as BoardFilter;
  const columns = await agreements.loadBoard(filter, req.user);
  const rows = columns.flatMap((c) => c.cards);
  const [names, users, events] = await Promise.all([namesFor(rows), activeUsers(), recentEvents(100)]);
  await renderPage(res, 'agreements/board', {
    ...viewHelpers(res),
    ...names,
    columns,
    filter,
    users,
    events,
    categories: CATEGORIES,
    canEdit: (a: Pick<Agreement, 'owner'>) => agreements.canEditAgreement(req.user, a),
    title: res.locals.t('agreements.boardTitle'),
  });
}

export async function metrics(req: Request, res: Response): Promise<void> {
  const q = req.valid.query as MetricsQuery;
  const today = agreements.officeToday();
  const period = resolvePeriod(q.from, q.to, today);
  const m = await pipelineMetrics(period, q.stuckDays);
  const names = await namesFor(m.stuck);
  const t = res.locals.t;
  const count = t('agreements.m.chartCount');
  const charts = {
    stage: barChart({
      title: t('agreements.m.perStage'),
      labels: m.perStage.map((s) => t(`agreements.stages.${s.stage}`)),
      series: [{ label: count, values: m.perStage.map((s) => s.count) }],
    }),
    quarter: barChart({
      title: t('agreements.m.signedPerQuarter'),
      labels: m.signedPerQuarter.map((q) => q.quarter),
      series: [{ label: count, values: m.signedPerQuarter.map((q) => q.count) }],
    }),
    category: barChart({
      title: t('agreements.m.signedPerCategory'),
      labels: m.signedPerCategory.map((c) => t(`agreements.categories.${c.category}`)),
      series: [{ label: count, values: m.signedPerCategory.map((c) => c.count) }],
    }),
  };
  await renderPage(res, 'agreements/metrics', {
    ...viewHelpers(res),
    ...names,
    m,
    charts,
    query: { from: dayString(period.from), to: dayString(period.to), stuckDays: q.stuckDays },
    title: res.locals.t('agreements.metricsTitle'),
  });
}

// ---- create / edit -----------------------------------------------------------------------------

function asList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String).filter(Boolean);
  return typeof v === 'string' && v ? [v] : [];
}

/** Locals of the agreement form: choices, and the partner picker (chosen partners + search matches). */
export async function formLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const params = req.valid?.params as { id?: string } | undefined;
  const agreement = params?.id ? await agreements.findAgreement(params.id) : null;
  const body = (req.method === 'POST' ? req.body : {}) as Record<string, unknown>;
  const chosenIds = req.method === 'POST' ? asList(body.partners) : [];
  const pq = typeof body.pq === 'string' ? body.pq.trim().slice(0, 100) : '';
  const [chosen, matches, owners, events] = await Promise.all([
    partnerNames(chosenIds),
    pq ? searchPartners(pq, PICKER_LIMIT + chosenIds.length) : Promise.resolve(null),
    can(req.user, 'agreements.update') ? ownerOptions() : Promise.resolve(null),
    recentEvents(100),
  ]);
  return {
    ...viewHelpers(res),
    agreement,
    categories: CATEGORIES,
    currencies: currencyOptions(),
    owners,
    events,
    chosenPartners: [...chosen.values()],
    partnerMatches: matches
      ? matches.filter((p) => !chosen.has(p._id.toHexString())).slice(0, PICKER_LIMIT)
      : null,
    pq,
  };
}

function formValues(a: Agreement): Record<string, unknown> {
  return {
    title: a.title,
    category: a.category,
    partners: a.partners.map(String),
    owner: a.owner ? a.owner.toHexString() : '',
    valueAmount: a.value?.amount ?? '',
    valueCurrency: a.value?.currency ?? '',
    expectedSignAt: dayString(a.expectedSignAt),
    signedAt: dayString(a.signedAt),
    effectiveFrom: dayString(a.effectiveFrom),
    expiresAt: dayString(a.expiresAt),
    event: a.event ? a.event.toHexString() : '',
    notes: a.notes ?? '',
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  const q = req.valid.query as { partner?: string; event?: string };
  const locals = await formLocals(req, res);
  const preset = q.partner ? await partnerNames([q.partner]) : new Map();
  const live = [...preset.values()].filter((p) => !p.archivedAt);
  await renderPage(res, 'agreements/form', {
    ...locals,
    chosenPartners: live,
    values: {
      category: 'market_entity_project',
      owner: req.user!._id.toHexString(),
      valueCurrency: 'CNY',
      partners: live.map((p) => p._id.toHexString()),
      event: q.event ?? '',
    },
    errors: {},
    title: res.locals.t('agreements.newTitle'),
  });
}

/** The picker's "Find" button posts the form: show it again with matches, save nothing. */
export async function pickerSearch(req: Request, res: Response, next: NextFunction): Promise<void> {
  const body = req.body as Record<string, unknown> | undefined;
  if (body?.intent !== 'findPartners') return next();
  const locals = await formLocals(req, res);
  if (locals.agreement) agreements.assertCanEdit(req.user, locals.agreement as Agreement);
  const { _csrf: _c, ...values } = body;
  await renderPage(res, 'agreements/form', {
    ...locals,
    values,
    errors: {},
    title: res.locals.t(locals.agreement ? 'agreements.editTitle' : 'agreements.newTitle'),
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const a = await agreements.createAgreement(req.valid.body as AgreementInput, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('agreements.created', { title: a.title }));
  res.redirect(`/agreements/${a._id.toHexString()}`);
}

export async function show(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'agreements/show', await showLocals(req, res));
}

/** Everything the agreement page shows (also when an upload is refused and the page comes back). */
export async function showLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const a = await agreements.findAgreement(id);
  const [names, historyUsers, related] = await Promise.all([
    namesFor([a]),
    userNames([...a.stageHistory.map((h) => h.by), ...a.attachments.map((f) => f.by)]),
    agreements.relatedTitles([a.renewalOf, a.renewedBy]),
  ]);
  const canEdit = agreements.canEditAgreement(req.user, a);
  return {
    ...viewHelpers(res),
    ...names,
    a,
    historyUsers,
    related,
    canEdit,
    canRenew:
      canEdit &&
      can(req.user, 'agreements.create') &&
      !a.renewedBy &&
      agreements.RENEWABLE.includes(a.stage as Stage),
    stageValues: {
      signedAt: dayString(a.signedAt),
      effectiveFrom: dayString(a.effectiveFrom),
      expiresAt: dayString(a.expiresAt),
    },
    title: a.title,
  };
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const a = await agreements.findAgreement(id);
  agreements.assertCanEdit(req.user, a);
  const locals = await formLocals(req, res);
  const chosen = await partnerNames(a.partners);
  await renderPage(res, 'agreements/form', {
    ...locals,
    chosenPartners: [...chosen.values()],
    values: formValues(a),
    errors: {},
    title: res.locals.t('agreements.editTitle'),
  });
}

/**
 * Refuses (403) before the body is read or an upload accepted when the user may not edit this
 * agreement: otherwise a coordinator posting to someone else's agreement got the form's 422.
 */
export async function requireEditable(req: Request, _res: Response, next: NextFunction): Promise<void> {
  const { id } = req.valid.params as { id: string };
  agreements.assertCanEdit(req.user, await agreements.findAgreement(id));
  next();
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const a = await agreements.updateAgreement(
    id,
    req.valid.body as AgreementInput,
    req.user!,
    auditContext(req),
  );
  flash(req, 'success', res.locals.t('agreements.updated', { title: a.title }));
  res.redirect(`/agreements/${id}`);
}

// ---- stage changes and renewal -----------------------------------------------------------------

/** Locals of the full stage-change page (also when shown again after a refused change). */
export async function stageLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const a = await agreements.findAgreement(id);
  agreements.assertCanEdit(req.user, a);
  return { ...viewHelpers(res), a };
}

export async function stageForm(req: Request, res: Response): Promise<void> {
  const locals = await stageLocals(req, res);
  const a = locals.a as Agreement;
  const { to } = req.valid.query as { to?: string };
  await renderPage(res, 'agreements/stage', {
    ...locals,
    values: {
      to: to ?? '',
      fromStage: a.stage,
      version: a.stageVersion,
      signedAt: dayString(a.signedAt),
      effectiveFrom: dayString(a.effectiveFrom),
      expiresAt: dayString(a.expiresAt),
      note: '',
    },
    errors: {},
    title: res.locals.t('agreements.stageTitle'),
  });
}

export async function changeStage(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const input = req.valid.body as StageInput;
  const a = await agreements.changeStage(id, input, req.user!, auditContext(req));
  const t = res.locals.t;
  flash(
    req,
    'success',
    t('agreements.stageChanged', { title: a.title, stage: t(`agreements.stages.${a.stage}`) }),
  );
  res.redirect(safeNext(input.back, `/agreements/${id}`));
}

export async function renew(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const next = await agreements.renewAgreement(id, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('agreements.renewed', { title: next.title }));
  res.redirect(`/agreements/${next._id.toHexString()}/edit`);
}

// ---- attachments -------------------------------------------------------------------------------

export async function addAttachment(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const file = await agreements.addAttachment(id, req.upload!, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('agreements.attachmentAdded', { name: file.filename }));
  res.redirect(`/agreements/${id}#attachments`);
}

export async function downloadAttachment(req: Request, res: Response): Promise<void> {
  const { id, fileId } = req.valid.params as { id: string; fileId: string };
  const { attachment, stream } = await agreements.openAttachment(id, fileId, auditContext(req));
  res.setHeader('Content-Type', attachment.contentType);
  res.setHeader('Content-Length', String(attachment.size));
  res.setHeader('Content-Disposition', attachmentHeader(attachment.filename));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  await pipeline(stream, res);
}

export async function removeAttachment(req: Request, res: Response): Promise<void> {
  const { id, fileId } = req.valid.params as { id: string; fileId: string };
  const file = await agreements.removeAttachment(id, fileId, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('agreements.attachmentRemoved', { name: file.filename }));
  res.redirect(`/agreements/${id}#attachments`);
}
