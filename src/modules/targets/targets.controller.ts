import type { Request, Response } from 'express';
import { BadRequestError, ForbiddenError } from '../../lib/errors.js';
import { barChart, lineChart } from '../../lib/charts.js';
import { flash } from '../../lib/flash.js';
import { can } from '../../lib/permissions.js';
import { renderPage } from '../../lib/views.js';
import { auditContext } from '../audit/index.js';
import { activeUsers, userNames } from '../users/index.js';
import { applyPendingImport, CREATED_PLAN_YEARS, IMPORT_COLUMNS, importActuals } from './import.service.js';
import type { Market } from './market.model.js';
import {
  THRESHOLDS,
  pathForMonth,
  monthlyShares,
  toMonthMap,
  type YearPoint,
  type SeriesPoint,
} from './progress.js';
import { MONTH_FIELDS, YEAR_MAX, YEAR_MIN, type MarketInput } from './targets.schemas.js';
import * as targets from './targets.service.js';
import { marketCodeOptions, marketLabel, numberFormats, pairRows } from './targets.view.js';

const PAIRS_PER_PAGE = 25;

function chartLocals(res: Response, monthly: SeriesPoint[], yearly: YearPoint[]) {
  const t = res.locals.t;
  const { num } = numberFormats(res.locals.locale);
  const format = (v: number) => num(v);
  return {
    lineChart: lineChart({
      title: t('targets.charts.monthly'),
      labels: monthly.map((p) => p.label),
      series: [
        { label: t('targets.charts.actual'), values: monthly.map((p) => p.actual) },
        { label: t('targets.charts.path'), values: monthly.map((p) => Math.round(p.path)), dashed: true },
      ],
      yLabel: t('targets.visitors'),
      format,
    }),
    barChart: barChart({
      title: t('targets.charts.yearly'),
      labels: yearly.map((p) => String(p.year)),
      series: [
        { label: t('targets.charts.actualYear'), values: yearly.map((p) => p.actual) },
        { label: t('targets.charts.pathYear'), values: yearly.map((p) => Math.round(p.path)) },
      ],
      yLabel: t('targets.visitors'),
      format,
    }),
  };
}

export async function index(req: Request, res: Response): Promise<void> {
  const { after } = req.valid.query as { after?: string };
  const overview = await targets.planOverview();
  const locale = res.locals.locale;
  const t = res.locals.t;
  const rows = pairRows(overview.markets, locale, t);
  const start = after ? rows.findIndex((r) => r.key === after) + 1 : 0;
  if (after && start === 0)
    throw new BadRequestError('The page link is not valid; go back to the first page.');
  const pageRows = rows.slice(start, start + PAIRS_PER_PAGE);
  const next = start + PAIRS_PER_PAGE < rows.length ? pageRows.at(-1)?.key : undefined;
  const charts = targets.chartsFor(overview.markets);
  await renderPage(res, 'targets/index', {
    overview,
    rows: pageRows,
    next,
    query: { after },
    thresholds: THRESHOLDS,
    fmt: numberFormats(locale),
    charts: charts ? chartLocals(res, charts.monthly, charts.yearly) : null,
    title: t('targets.title'),
  });
}

async function ownerOptions(res: Response) {
  const users = await activeUsers();
  return [
    { value: '', label: res.locals.t('targets.noOwner') },
    ...users
      .filter((u) => u.role !== 'staff' && u.role !== 'complaint_officer')
      .map((u) => ({ value: u._id.toHexString(), label: u.name })),
  ];
}

/** Locals of the market form (also when it is shown again after a rejected save). */
export async function formLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const id = (req.valid?.params as { id?: string } | undefined)?.id;
  const market = id ? await targets.findMarket(id) : null;
  return {
    market,
    codes: marketCodeOptions(res.locals.locale, res.locals.t),
    owners: await ownerOptions(res),
    yearMin: YEAR_MIN,
    yearMax: YEAR_MAX,
    title: res.locals.t(market ? 'targets.editTitle' : 'targets.newTitle'),
  };
}

export async function newForm(req: Request, res: Response): Promise<void> {
  const year = new Date().getUTCFullYear();
  await renderPage(res, 'targets/form', {
    ...(await formLocals(req, res)),
    values: { multiplier: 2, baselineYear: year - 1, targetYear: year + 3, destination: 'CN-CQ' },
    errors: {},
  });
}

export async function create(req: Request, res: Response): Promise<void> {
  const market = await targets.createMarket(req.valid.body as MarketInput, req.user!, auditContext(req));
  flash(
    req,
    'success',
    res.locals.t('targets.created', { name: marketLabel(market, res.locals.locale, res.locals.t) }),
  );
  res.redirect(`/targets/${market._id.toHexString()}`);
}

export async function show(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const data = await targets.marketProgress(id);
  const { market } = data;
  const locale = res.locals.locale;
  const t = res.locals.t;
  const [owners, reverse] = await Promise.all([
    userNames([market.owner]),
    targets.findPair(market.destination, market.origin),
  ]);
  await renderPage(res, 'targets/show', {
    ...data,
    label: marketLabel(market, locale, t),
    reverse: reverse ? { id: reverse._id.toHexString(), label: marketLabel(reverse, locale, t) } : null,
    ownerName: market.owner ? (owners.get(market.owner.toHexString()) ?? '') : '',
    canWrite: can(req.user, 'targets.write'),
    canEnter: targets.canEnterActuals(req.user, market),
    thresholds: THRESHOLDS,
    fmt: numberFormats(locale),
    charts: chartLocals(res, data.charts.monthly, data.charts.yearly),
    title: marketLabel(market, locale, t),
  });
}

function marketValues(m: Market): Record<string, unknown> {
  return {
    origin: m.origin,
    destination: m.destination,
    baselineYear: m.baselineYear,
    baselineVisitors: m.baselineVisitors,
    multiplier: m.multiplier,
    targetYear: m.targetYear,
    owner: m.owner ? m.owner.toHexString() : '',
    notes: m.notes ?? '',
  };
}

export async function editForm(req: Request, res: Response): Promise<void> {
  const locals = await formLocals(req, res);
  await renderPage(res, 'targets/form', {
    ...locals,
    values: marketValues(locals.market as Market),
    errors: {},
  });
}

export async function update(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const market = await targets.updateMarket(id, req.valid.body as MarketInput, req.user!, auditContext(req));
  flash(
    req,
    'success',
    res.locals.t('targets.updated', { name: marketLabel(market, res.locals.locale, res.locals.t) }),
  );
  res.redirect(`/targets/${id}`);
}

/** Locals of the month grid for one year: the figures, and the path each month asks for. */
export async function gridLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  const { id } = req.valid.params as { id: string };
  const market = await targets.findMarket(id);
  if (!targets.canEnterActuals(req.user, market)) throw new ForbiddenError();
  const query = req.valid.query as { year?: number } | undefined;
  // A rejected grid is shown again for the year it was posted for.
  const posted = Number((req.body as { year?: unknown } | undefined)?.year);
  const year =
    req.method === 'POST' && Number.isInteger(posted) && posted >= YEAR_MIN && posted <= YEAR_MAX
      ? posted
      : (query?.year ?? new Date().getUTCFullYear());
  const figures = (await targets.monthlyFigures([market._id])).get(market._id.toHexString()) ?? [];
  const shares = monthlyShares(market, toMonthMap(figures));
  return {
    market,
    year,
    label: marketLabel(market, res.locals.locale, res.locals.t),
    path: Array.from({ length: 12 }, (_, i) => pathForMonth(market, shares, year, i + 1)),
    monthFields: MONTH_FIELDS,
    yearMin: YEAR_MIN,
    yearMax: YEAR_MAX,
    fmt: numberFormats(res.locals.locale),
    title: res.locals.t('targets.grid.title'),
  };
}

export async function grid(req: Request, res: Response): Promise<void> {
  const locals = await gridLocals(req, res);
  const market = locals.market as Market;
  const figures = await targets.yearFigures(market._id, locals.year as number);
  const values: Record<string, unknown> = { year: locals.year };
  MONTH_FIELDS.forEach((f, i) => (values[f] = figures[i] ?? ''));
  await renderPage(res, 'targets/actuals', { ...locals, values, errors: {} });
}

export async function saveGrid(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const body = req.valid.body as Record<string, string> & { year: number };
  const values = targets.parseGrid(body);
  const { changed } = await targets.saveYear(id, body.year, values, req.user!, auditContext(req));
  flash(req, 'success', res.locals.t('targets.grid.saved', { count: changed, year: body.year }));
  res.redirect(`/targets/${id}/actuals?year=${body.year}`);
}

export async function importLocals(req: Request, res: Response): Promise<Record<string, unknown>> {
  return {
    columns: IMPORT_COLUMNS.join(','),
    canCreate: can(req.user, 'targets.write'),
    planYears: CREATED_PLAN_YEARS,
    report: null,
    title: res.locals.t('targets.import.title'),
  };
}

export async function importForm(req: Request, res: Response): Promise<void> {
  await renderPage(res, 'targets/import', { ...(await importLocals(req, res)), values: {}, errors: {} });
}

export async function importFile(req: Request, res: Response): Promise<void> {
  const { mode, createMissing } = req.valid.body as { mode: 'preview' | 'apply'; createMissing: boolean };
  const upload = req.upload!;
  const report = await importActuals(
    upload.buffer,
    { filename: upload.originalName, createMissing, apply: mode === 'apply' },
    req.user!,
    auditContext(req),
    res.locals.t,
  );
  const status = report.errors.length ? 422 : 200;
  await renderPage(
    res,
    'targets/import',
    {
      ...(await importLocals(req, res)),
      report,
      values: { createMissing: createMissing ? '1' : '' },
      errors: {},
    },
    status,
  );
}

export async function applyImport(req: Request, res: Response): Promise<void> {
  const { id } = req.valid.params as { id: string };
  const report = await applyPendingImport(id, req.user!, auditContext(req), res.locals.t);
  const status = report.errors.length ? 422 : 200;
  await renderPage(
    res,
    'targets/import',
    { ...(await importLocals(req, res)), report, values: {}, errors: {} },
    status,
  );
}
