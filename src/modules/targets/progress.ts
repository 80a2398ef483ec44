/**
 * Doubling-plan maths, pure (no database): the geometric path from baseline to target and how
 * the recorded months compare with it. Missing months are left out of both sides of every
 * comparison, never counted as zero.
 */

export interface PlanFacts {
  baselineYear: number;
  baselineVisitors: number;
  multiplier: number;
  targetYear: number;
}

export interface MonthFigure {
  year: number;
  month: number;
  visitors: number;
}

export interface YearMonth {
  year: number;
  month: number;
}

export type Status = 'on_track' | 'at_risk' | 'off_track' | 'no_data';

/** Latest 12 months against the path: at or above 100% on track, 90% or more at risk, else off track. */
export const THRESHOLDS = { onTrack: 1, atRisk: 0.9 } as const;

export function statusOf(ratio: number | null): Status {
  if (ratio == null || !Number.isFinite(ratio)) return 'no_data';
  if (ratio >= THRESHOLDS.onTrack) return 'on_track';
  if (ratio >= THRESHOLDS.atRisk) return 'at_risk';
  return 'off_track';
}

/** The yearly growth needed: multiplier^(1 / years) − 1. */
export function requiredGrowthRate(
  plan: Pick<PlanFacts, 'multiplier' | 'baselineYear' | 'targetYear'>,
): number {
  const years = plan.targetYear - plan.baselineYear;
  return years > 0 ? plan.multiplier ** (1 / years) - 1 : 0;
}

/** Visitors the path asks for in a year: baseline × (1 + rate)^(year − baselineYear). */
export function pathForYear(plan: PlanFacts, year: number): number {
  return plan.baselineVisitors * (1 + requiredGrowthRate(plan)) ** (year - plan.baselineYear);
}

export const ym = (year: number, month: number) => year * 100 + month;
const monthIndex = (p: YearMonth) => p.year * 12 + (p.month - 1);
const fromIndex = (i: number): YearMonth => ({ year: Math.floor(i / 12), month: (i % 12) + 1 });

/**
 * Each month's share of a year: the baseline year's own seasonality when all 12 of its months
 * are recorded, otherwise an even twelfth.
 */
export function monthlyShares(plan: PlanFacts, byMonth: Map<number, number>): number[] {
  const base = Array.from({ length: 12 }, (_, i) => byMonth.get(ym(plan.baselineYear, i + 1)));
  const total = base.reduce<number>((s, v) => s + (v ?? 0), 0);
  if (base.some((v) => v == null) || total <= 0) return Array.from({ length: 12 }, () => 1 / 12);
  return base.map((v) => v! / total);
}

export function toMonthMap(actuals: readonly MonthFigure[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const a of actuals) map.set(ym(a.year, a.month), (map.get(ym(a.year, a.month)) ?? 0) + a.visitors);
  return map;
}

export interface Progress {
  /** Yearly growth rate needed. */
  rate: number;
  baseline: number;
  /** Visitors asked for in the target year: baseline × multiplier. */
  target: number;
  /** The latest recorded month not after "as of"; null without any. */
  reference: YearMonth | null;
  ytd: {
    year: number;
    /** Months of that year recorded up to the reference month. */
    months: number;
    actual: number;
    /** The same months of the baseline year. */
    baseline: number;
    /** The same months on the path. */
    path: number;
    /** actual / baseline − 1 */
    growth: number | null;
    /** actual / path */
    vsPath: number | null;
  } | null;
  last12: {
    from: YearMonth;
    to: YearMonth;
    months: number;
    actual: number;
    /** The path's figure for the recorded months of the window. */
    needed: number;
    ratio: number | null;
  } | null;
  /** Latest 12 months against the same months a year earlier (months recorded in both). */
  trailing: { actual: number; prior: number; growth: number | null };
  /** The target year's total if the trailing growth holds. */
  forecast: number | null;
  forecastVsTarget: number | null;
  status: Status;
}

/** The monthly path figure for one month. */
export function pathForMonth(
  plan: PlanFacts,
  shares: readonly number[],
  year: number,
  month: number,
): number {
  return pathForYear(plan, year) * shares[month - 1]!;
}

/**
 * Progress of one market as of a month (normally the current one). The reference month is the
 * latest recorded month not after it, so a month not yet reported does not look like a collapse.
 */
export function computeProgress(plan: PlanFacts, actuals: readonly MonthFigure[], asOf: YearMonth): Progress {
  const byMonth = toMonthMap(actuals);
  const shares = monthlyShares(plan, byMonth);
  const rate = requiredGrowthRate(plan);
  const target = plan.baselineVisitors * plan.multiplier;
  const limit = ym(asOf.year, asOf.month);
  const recorded = [...byMonth.keys()].filter((k) => k <= limit).sort((a, b) => a - b);
  const empty: Progress = {
    rate,
    baseline: plan.baselineVisitors,
    target,
    reference: null,
    ytd: null,
    last12: null,
    trailing: { actual: 0, prior: 0, growth: null },
    forecast: null,
    forecastVsTarget: null,
    status: 'no_data',
  };
  const last = recorded.at(-1);
  if (last == null) return empty;
  const reference = { year: Math.floor(last / 100), month: last % 100 };

  // Year to date: recorded months of the reference year against the same months of the baseline year.
  let ytdMonths = 0;
  let ytdActual = 0;
  let ytdBaseline = 0;
  for (let m = 1; m <= reference.month; m++) {
    const v = byMonth.get(ym(reference.year, m));
    if (v == null) continue;
    ytdMonths += 1;
    ytdActual += v;
    ytdBaseline += plan.baselineVisitors * shares[m - 1]!;
  }
  const ytdPath = ytdBaseline * (1 + rate) ** (reference.year - plan.baselineYear);

  // Latest 12 months ending at the reference month.
  const end = monthIndex(reference);
  let months = 0;
  let actual = 0;
  let needed = 0;
  let trailingActual = 0;
  let trailingPrior = 0;
  for (let i = end - 11; i <= end; i++) {
    const p = fromIndex(i);
    const v = byMonth.get(ym(p.year, p.month));
    if (v == null) continue;
    months += 1;
    actual += v;
    needed += pathForMonth(plan, shares, p.year, p.month);
    const prior = priorFigure(plan, byMonth, shares, p.year - 1, p.month);
    if (prior != null) {
      trailingActual += v;
      trailingPrior += prior;
    }
  }
  const growth = trailingPrior > 0 ? trailingActual / trailingPrior - 1 : null;
  const forecast = forecastTargetYear(plan, byMonth, reference, actual, months, growth);

  const ratio = needed > 0 ? actual / needed : null;
  return {
    rate,
    baseline: plan.baselineVisitors,
    target,
    reference,
    ytd: {
      year: reference.year,
      months: ytdMonths,
      actual: ytdActual,
      baseline: ytdBaseline,
      path: ytdPath,
      growth: ytdBaseline > 0 ? ytdActual / ytdBaseline - 1 : null,
      vsPath: ytdPath > 0 ? ytdActual / ytdPath : null,
    },
    last12: { from: fromIndex(end - 11), to: reference, months, actual, needed, ratio },
    trailing: { actual: trailingActual, prior: trailingPrior, growth },
    forecast,
    forecastVsTarget: forecast != null && target > 0 ? forecast / target : null,
    status: statusOf(ratio),
  };
}

/** A month a year earlier: its record, or for the baseline year its share of the baseline. */
function priorFigure(
  plan: PlanFacts,
  byMonth: Map<number, number>,
  shares: readonly number[],
  year: number,
  month: number,
): number | null {
  const v = byMonth.get(ym(year, month));
  if (v != null) return v;
  return year === plan.baselineYear ? plan.baselineVisitors * shares[month - 1]! : null;
}

/**
 * The latest 12 months (annualised when some are missing) grown at the trailing rate until the
 * end of the target year. Once the target year is over, its recorded months (annualised).
 */
function forecastTargetYear(
  plan: PlanFacts,
  byMonth: Map<number, number>,
  reference: YearMonth,
  actual12: number,
  months12: number,
  growth: number | null,
): number | null {
  if (reference.year > plan.targetYear) {
    let sum = 0;
    let n = 0;
    for (let m = 1; m <= 12; m++) {
      const v = byMonth.get(ym(plan.targetYear, m));
      if (v != null) {
        sum += v;
        n += 1;
      }
    }
    return n ? (sum * 12) / n : null;
  }
  if (growth == null || months12 === 0) return null;
  const annual = (actual12 * 12) / months12;
  const monthsAhead = plan.targetYear * 12 + 12 - (reference.year * 12 + reference.month);
  return annual * (1 + growth) ** (monthsAhead / 12);
}

/** Several markets added up (all markets, inbound, outbound): sums first, ratios from the sums. */
export interface ProgressTotals {
  markets: number;
  baseline: number;
  target: number;
  ytdActual: number;
  ytdBaseline: number;
  ytdPath: number;
  ytdGrowth: number | null;
  ytdVsPath: number | null;
  actual12: number;
  needed12: number;
  ratio12: number | null;
  trailingGrowth: number | null;
  /** Sum of the forecasts, against the targets of the markets that have one. */
  forecast: number | null;
  forecastTarget: number;
  forecastVsTarget: number | null;
  status: Status;
  statusCounts: Record<Status, number>;
}

export function sumProgress(list: readonly Progress[]): ProgressTotals {
  const t = {
    baseline: 0,
    target: 0,
    ytdActual: 0,
    ytdBaseline: 0,
    ytdPath: 0,
    actual12: 0,
    needed12: 0,
    trailingActual: 0,
    trailingPrior: 0,
    forecast: 0,
    forecastTarget: 0,
    forecasts: 0,
  };
  const statusCounts: Record<Status, number> = { on_track: 0, at_risk: 0, off_track: 0, no_data: 0 };
  for (const p of list) {
    t.baseline += p.baseline;
    t.target += p.target;
    statusCounts[p.status] += 1;
    if (p.ytd) {
      t.ytdActual += p.ytd.actual;
      t.ytdBaseline += p.ytd.baseline;
      t.ytdPath += p.ytd.path;
    }
    if (p.last12) {
      t.actual12 += p.last12.actual;
      t.needed12 += p.last12.needed;
    }
    t.trailingActual += p.trailing.actual;
    t.trailingPrior += p.trailing.prior;
    if (p.forecast != null) {
      t.forecast += p.forecast;
      t.forecastTarget += p.target;
      t.forecasts += 1;
    }
  }
  const ratio12 = t.needed12 > 0 ? t.actual12 / t.needed12 : null;
  return {
    markets: list.length,
    baseline: t.baseline,
    target: t.target,
    ytdActual: t.ytdActual,
    ytdBaseline: t.ytdBaseline,
    ytdPath: t.ytdPath,
    ytdGrowth: t.ytdBaseline > 0 ? t.ytdActual / t.ytdBaseline - 1 : null,
    ytdVsPath: t.ytdPath > 0 ? t.ytdActual / t.ytdPath : null,
    actual12: t.actual12,
    needed12: t.needed12,
    ratio12,
    trailingGrowth: t.trailingPrior > 0 ? t.trailingActual / t.trailingPrior - 1 : null,
    forecast: t.forecasts ? t.forecast : null,
    forecastTarget: t.forecastTarget,
    forecastVsTarget: t.forecasts && t.forecastTarget > 0 ? t.forecast / t.forecastTarget : null,
    status: statusOf(ratio12),
    statusCounts,
  };
}

export interface SeriesPoint {
  label: string;
  actual: number | null;
  path: number;
}

/** Month by month from January of the first year to December of the last: recorded figure and path. */
export function monthlySeries(
  plan: PlanFacts,
  actuals: readonly MonthFigure[],
  fromYear: number,
  toYear: number,
): SeriesPoint[] {
  const byMonth = toMonthMap(actuals);
  const shares = monthlyShares(plan, byMonth);
  const out: SeriesPoint[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    for (let m = 1; m <= 12; m++) {
      out.push({
        label: `${y}-${String(m).padStart(2, '0')}`,
        actual: byMonth.get(ym(y, m)) ?? null,
        path: pathForMonth(plan, shares, y, m),
      });
    }
  }
  return out;
}

export interface YearPoint {
  year: number;
  /** Sum of the recorded months (null when none is). */
  actual: number | null;
  months: number;
  path: number;
}

/** Year by year: recorded total, months recorded, and the path's figure. */
export function yearlySeries(
  plan: PlanFacts,
  actuals: readonly MonthFigure[],
  fromYear: number,
  toYear: number,
): YearPoint[] {
  const byMonth = toMonthMap(actuals);
  const out: YearPoint[] = [];
  for (let y = fromYear; y <= toYear; y++) {
    let sum = 0;
    let months = 0;
    for (let m = 1; m <= 12; m++) {
      const v = byMonth.get(ym(y, m));
      if (v != null) {
        sum += v;
        months += 1;
      }
    }
    out.push({ year: y, actual: months ? sum : null, months, path: pathForYear(plan, y) });
  }
  return out;
}

/** Point-wise sums of several markets' series (same labels); a point is null only when all are. */
export function addSeries<T extends { actual: number | null; path: number }>(lists: readonly T[][]): T[] {
  if (!lists.length) return [];
  return lists[0]!.map((first, i) => {
    let actual: number | null = null;
    let path = 0;
    for (const list of lists) {
      const p = list[i]!;
      path += p.path;
      if (p.actual != null) actual = (actual ?? 0) + p.actual;
    }
    return { ...first, actual, path };
  });
}
