import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.js';
import { canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { ActualModel, toYearMonth, type ActualSource } from './actual.model.js';
import { CHONGQING, MarketModel, pairKey, type Market } from './market.model.js';
import {
  addSeries,
  computeProgress,
  monthlySeries,
  sumProgress,
  yearlySeries,
  type MonthFigure,
  type Progress,
  type ProgressTotals,
  type SeriesPoint,
  type YearMonth,
  type YearPoint,
} from './progress.js';
import { MONTH_FIELDS, VISITORS_MAX, type MarketInput } from './targets.schemas.js';

const MARKET_FIELDS = [
  'origin',
  'destination',
  'baselineYear',
  'baselineVisitors',
  'multiplier',
  'targetYear',
  'owner',
  'notes',
] as const;

export type Direction = 'inbound' | 'outbound' | 'other';

/** Inbound: visitors coming to Chongqing; outbound: Chongqing's visitors going abroad. */
export function directionOf(m: Pick<Market, 'origin' | 'destination'>): Direction {
  if (m.destination === CHONGQING) return 'inbound';
  if (m.origin === CHONGQING) return 'outbound';
  return 'other';
}

const isDuplicateKey = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

export function currentMonth(now = new Date()): YearMonth {
  return { year: now.getUTCFullYear(), month: now.getUTCMonth() + 1 };
}

export async function findMarket(id: Types.ObjectId | string): Promise<Market> {
  const market = await MarketModel.findById(id).lean<Market>();
  if (!market) throw new NotFoundError();
  return market;
}

export async function findPair(origin: string, destination: string): Promise<Market | null> {
  return MarketModel.findOne({ pairKey: pairKey(origin, destination) }).lean<Market>();
}

export async function allMarkets(): Promise<Market[]> {
  return MarketModel.find({}).sort({ pairKey: 1 }).lean<Market[]>();
}

/** Whether the user may enter this market's monthly figures (managers/admins, or its owner). */
export function canEnterActuals(user: Express.User | undefined, market: Pick<Market, 'owner'>): boolean {
  return canOnRecord(user, 'targets.actuals', market.owner);
}

async function assertPairFree(origin: string, destination: string, except?: Types.ObjectId): Promise<void> {
  const other = await MarketModel.findOne({ pairKey: pairKey(origin, destination) }, { _id: 1 }).lean();
  if (other && (!except || !other._id.equals(except))) {
    throw new ValidationError({ destination: 'targets.errors.pairExists' });
  }
}

function marketDoc(input: MarketInput) {
  return {
    origin: input.origin,
    destination: input.destination,
    pairKey: pairKey(input.origin, input.destination),
    baselineYear: input.baselineYear,
    baselineVisitors: input.baselineVisitors,
    multiplier: input.multiplier,
    targetYear: input.targetYear,
    owner: input.owner ? new Types.ObjectId(input.owner) : null,
    notes: input.notes,
  };
}

export async function createMarket(
  input: MarketInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Market> {
  await assertPairFree(input.origin, input.destination);
  let doc;
  try {
    doc = await MarketModel.create({ ...marketDoc(input), createdBy: user._id });
  } catch (err) {
    // Two people creating the same pair at once: the unique index decides.
    if (isDuplicateKey(err)) throw new ValidationError({ destination: 'targets.errors.pairExists' });
    throw err;
  }
  const market = doc.toObject() as Market;
  await recordAudit(ctx, {
    action: 'target.market.create',
    entity: 'target_market',
    entityId: market._id,
    changes: diffFields(null, market as unknown as Record<string, unknown>, MARKET_FIELDS),
  });
  return market;
}

export async function updateMarket(
  id: string,
  input: MarketInput,
  _user: Express.User,
  ctx: AuditContext,
): Promise<Market> {
  const before = await findMarket(id);
  await assertPairFree(input.origin, input.destination, before._id);
  let after: Market | null;
  try {
    after = await MarketModel.findByIdAndUpdate(
      id,
      { $set: marketDoc(input) },
      { returnDocument: 'after' },
    ).lean<Market>();
  } catch (err) {
    if (isDuplicateKey(err)) throw new ValidationError({ destination: 'targets.errors.pairExists' });
    throw err;
  }
  if (!after) throw new NotFoundError();
  const changes = diffFields(
    before as unknown as Record<string, unknown>,
    after as unknown as Record<string, unknown>,
    MARKET_FIELDS,
  );
  if (changes.length) {
    await recordAudit(ctx, {
      action: 'target.market.update',
      entity: 'target_market',
      entityId: id,
      changes,
    });
  }
  return after;
}

/**
 * Monthly figures per market, summed with $match/$group/$sum (the unique (market, yearMonth)
 * index keeps one figure per month; the sum makes a stray duplicate visible rather than lost).
 */
export async function monthlyFigures(marketIds?: Types.ObjectId[]): Promise<Map<string, MonthFigure[]>> {
  const match = marketIds ? { market: trusted({ $in: marketIds }) } : {};
  const rows = await ActualModel.aggregate<{
    _id: { market: Types.ObjectId; yearMonth: number };
    visitors: number;
  }>([
    { $match: match },
    { $group: { _id: { market: '$market', yearMonth: '$yearMonth' }, visitors: { $sum: '$visitors' } } },
  ]);
  const out = new Map<string, MonthFigure[]>();
  for (const r of rows) {
    const key = String(r._id.market);
    const list = out.get(key) ?? [];
    list.push({
      year: Math.floor(r._id.yearMonth / 100),
      month: r._id.yearMonth % 100,
      visitors: r.visitors,
    });
    out.set(key, list);
  }
  return out;
}

export interface MarketProgress {
  market: Market;
  direction: Direction;
  progress: Progress;
  figures: MonthFigure[];
}

export interface PlanOverview {
  markets: MarketProgress[];
  totals: { all: ProgressTotals; inbound: ProgressTotals; outbound: ProgressTotals };
  asOf: YearMonth;
}

/** Every market's progress and the totals (all, inbound, outbound). */
export async function planOverview(now = new Date()): Promise<PlanOverview> {
  const asOf = currentMonth(now);
  const [markets, figures] = await Promise.all([allMarkets(), monthlyFigures()]);
  const list = markets.map((market) => {
    const f = figures.get(market._id.toHexString()) ?? [];
    return { market, direction: directionOf(market), figures: f, progress: computeProgress(market, f, asOf) };
  });
  const of = (d?: Direction) =>
    sumProgress(list.filter((m) => !d || m.direction === d).map((m) => m.progress));
  return { markets: list, totals: { all: of(), inbound: of('inbound'), outbound: of('outbound') }, asOf };
}

export interface MarketCharts {
  monthly: SeriesPoint[];
  yearly: YearPoint[];
  fromYear: number;
  toYear: number;
}

/** The years a chart spans: the baseline year to the later of the target year and the last record. */
export function chartYears(markets: Pick<Market, 'baselineYear' | 'targetYear'>[], figures: MonthFigure[][]) {
  const fromYear = Math.min(...markets.map((m) => m.baselineYear));
  const lastRecorded = Math.max(0, ...figures.flat().map((f) => f.year));
  const toYear = Math.max(...markets.map((m) => m.targetYear), Math.min(lastRecorded, fromYear + 30));
  return { fromYear, toYear };
}

export function chartsFor(items: { market: Market; figures: MonthFigure[] }[]): MarketCharts | null {
  if (!items.length) return null;
  const { fromYear, toYear } = chartYears(
    items.map((i) => i.market),
    items.map((i) => i.figures),
  );
  const yearly = items.map((i) => yearlySeries(i.market, i.figures, fromYear, toYear));
  return {
    monthly: addSeries(items.map((i) => monthlySeries(i.market, i.figures, fromYear, toYear))),
    // Months recorded: the least across markets, so "complete" means complete for all of them.
    yearly: addSeries(yearly).map((p, idx) => ({
      ...p,
      months: Math.min(...yearly.map((y) => y[idx]!.months)),
    })),
    fromYear,
    toYear,
  };
}

export async function marketProgress(
  id: string,
  now = new Date(),
): Promise<MarketProgress & { charts: MarketCharts }> {
  const market = await findMarket(id);
  const figures = (await monthlyFigures([market._id])).get(market._id.toHexString()) ?? [];
  return {
    market,
    direction: directionOf(market),
    figures,
    progress: computeProgress(market, figures, currentMonth(now)),
    charts: chartsFor([{ market, figures }])!,
  };
}

/** The recorded figures of one year, month 1..12 (null where none). */
export async function yearFigures(marketId: Types.ObjectId, year: number): Promise<(number | null)[]> {
  const rows = await ActualModel.find(
    {
      market: marketId,
      yearMonth: trusted({ $gte: toYearMonth(year, 1), $lte: toYearMonth(year, 12) }),
    },
    { month: 1, visitors: 1 },
  ).lean<{ month: number; visitors: number }[]>();
  const out: (number | null)[] = Array.from({ length: 12 }, () => null);
  for (const r of rows) out[r.month - 1] = r.visitors;
  return out;
}

/** A whole number of visitors as people write it ("12,345", "12 345"); blank is "no figure". */
export function parseVisitors(raw: string): { value: number | null; error?: string } {
  const text = raw.trim().replace(/[,\s\u00a0\u202f]/g, '');
  if (!text) return { value: null };
  if (!/^[-+]?\d+(\.\d+)?$/.test(text)) return { value: null, error: 'targets.errors.wholeNumber' };
  const n = Number(text);
  if (n < 0) return { value: null, error: 'targets.errors.negative' };
  if (!Number.isInteger(n)) return { value: null, error: 'targets.errors.wholeNumber' };
  if (n > VISITORS_MAX) return { value: null, error: 'targets.errors.tooLarge' };
  return { value: n };
}

/** The grid's twelve boxes → figures, or every box's problem at once. */
export function parseGrid(body: Record<string, string>): (number | null)[] {
  const errors: FieldErrors = {};
  const values = MONTH_FIELDS.map((field) => {
    const { value, error } = parseVisitors(body[field] ?? '');
    if (error) errors[field] = error;
    return value;
  });
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return values;
}

/**
 * Sets one month's figure: an upsert on the unique (market, yearMonth) key, so entering a
 * month again replaces it. If two writers insert the same month at once, the loser of the
 * unique index retries as a plain update.
 */
export async function upsertActual(
  market: Types.ObjectId,
  year: number,
  month: number,
  visitors: number,
  source: ActualSource,
  userId: Types.ObjectId | null,
): Promise<void> {
  const yearMonth = toYearMonth(year, month);
  const write = () =>
    ActualModel.updateOne(
      { market, yearMonth },
      {
        $set: { visitors, source, updatedBy: userId, year, month },
        $setOnInsert: { market, yearMonth },
      },
      { upsert: true, runValidators: true },
    );
  try {
    await write();
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await write();
  }
}

const monthLabel = (year: number, month: number) => `${year}-${String(month).padStart(2, '0')}`;

/**
 * Saves a year of the month grid: changed months are upserted, cleared months removed, and the
 * changes audited as one entry (field = month).
 */
export async function saveYear(
  id: string,
  year: number,
  values: (number | null)[],
  user: Express.User,
  ctx: AuditContext,
): Promise<{ changed: number }> {
  const market = await findMarket(id);
  if (!canEnterActuals(user, market)) throw new ForbiddenError();
  const before = await yearFigures(market._id, year);
  const changes = [];
  for (let i = 0; i < 12; i++) {
    const was = before[i] ?? null;
    const now = values[i] ?? null;
    if (was === now) continue;
    if (now == null) {
      await ActualModel.deleteOne({ market: market._id, yearMonth: toYearMonth(year, i + 1) });
    } else {
      await upsertActual(market._id, year, i + 1, now, 'form', new Types.ObjectId(String(user._id)));
    }
    changes.push({ field: monthLabel(year, i + 1), before: was, after: now });
  }
  if (changes.length) {
    await recordAudit(ctx, {
      action: 'target.actuals.update',
      entity: 'target_market',
      entityId: market._id,
      changes,
      meta: { year, source: 'form' },
    });
  }
  return { changed: changes.length };
}

/** Markets a user may enter figures for (for the owner select and the list's links). */
export function ownerIds(markets: Market[]): Types.ObjectId[] {
  return markets.map((m) => m.owner).filter((o): o is Types.ObjectId => o != null);
}
