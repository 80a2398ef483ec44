import { trusted } from '../../lib/db/index.js';
import { AgreementModel, CATEGORIES, type Agreement, type StageChange } from './agreement.model.js';
import {
  countByStage,
  sortedTotals,
  valueByStage,
  type AgreementRow,
  LIST_FIELDS,
} from './agreements.service.js';
import { addDays, DAY_MS, parseDay, quarterOf } from './dates.js';
import { AGEING_STAGES, SIGNED_STAGES, STAGES, type Stage } from './stages.js';

/**
 * Pipeline metrics. The database does what FerretDB supports ($match/$unwind/$group with one
 * $sum per $group, several pipelines in parallel); medians, rates and gaps are filled in here.
 */

export interface Period {
  /** First day, inclusive (UTC midnight). */
  from: Date;
  /** Last day, inclusive (UTC midnight). */
  to: Date;
}

/** Forward steps whose conversion the page reports. */
export const CONVERSION_STEPS: [Stage, Stage][] = [
  ['lead', 'negotiation'],
  ['negotiation', 'review'],
  ['review', 'signed'],
  ['signed', 'active'],
];

export interface ConversionRow {
  from: Stage;
  to: Stage;
  /** Agreements that left `from` in the period, by any move. */
  exits: number;
  /** Of those, moved on to `to`. */
  converted: number;
  /** converted / exits, or null when nothing left the stage. */
  rate: number | null;
  /** Every move out of `from`, by target stage. */
  moves: Partial<Record<Stage, number>>;
}

export interface StayStats {
  stage: Stage;
  /** Completed stays that ended in the period. */
  stays: number;
  medianDays: number | null;
}

export interface AgeingRow {
  stage: Stage;
  open: number;
  stuck: number;
}

export interface PipelineMetrics {
  period: Period;
  stuckDays: number;
  perStage: { stage: Stage; count: number; totals: [string, number][] }[];
  conversion: ConversionRow[];
  stays: StayStats[];
  ageing: AgeingRow[];
  stuck: (AgreementRow & { daysInStage: number })[];
  signedPerQuarter: { quarter: string; count: number }[];
  signedPerCategory: { category: string; count: number }[];
  signedPerCountry: { country: string; count: number }[];
  signedTotal: number;
}

export const STUCK_LIST_LIMIT = 50;

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m * 10) / 10;
}

/**
 * Time spent in each stage by stays that ended within [start, end): a stay in stage S begins
 * at the history entry that entered S and ends at the next entry. Days are fractional (to 0.1).
 */
export function stageStays(histories: StageChange[][], start: Date, end: Date): Map<Stage, number[]> {
  const out = new Map<Stage, number[]>();
  for (const history of histories) {
    const entries = [...history].sort((a, b) => a.at.getTime() - b.at.getTime());
    for (let i = 0; i + 1 < entries.length; i += 1) {
      const enter = entries[i]!;
      const leave = entries[i + 1]!;
      if (leave.at < start || leave.at >= end) continue;
      const days = (leave.at.getTime() - enter.at.getTime()) / DAY_MS;
      const list = out.get(enter.to as Stage) ?? [];
      list.push(days);
      out.set(enter.to as Stage, list);
    }
  }
  return out;
}

/** Quarters from the one holding `from` to the one holding `to`, e.g. 2025-Q4, 2026-Q1. */
export function quartersBetween(from: Date, to: Date): string[] {
  const out: string[] = [];
  let y = from.getUTCFullYear();
  let q = Math.floor(from.getUTCMonth() / 3);
  const endKey = quarterOf(to)!;
  for (let guard = 0; guard < 400; guard += 1) {
    const key = `${y}-Q${q + 1}`;
    out.push(key);
    if (key === endKey) break;
    q += 1;
    if (q === 4) {
      q = 0;
      y += 1;
    }
  }
  return out;
}

/** The default period: the current quarter and the three before it, up to today. */
export function defaultPeriod(today: Date): Period {
  const q = Math.floor(today.getUTCMonth() / 3);
  const from = new Date(Date.UTC(today.getUTCFullYear(), q * 3 - 9, 1));
  return { from, to: today };
}

export function resolvePeriod(fromText: string, toText: string, today: Date): Period {
  const fallback = defaultPeriod(today);
  const from = (fromText && parseDay(fromText)) || fallback.from;
  const to = (toText && parseDay(toText)) || fallback.to;
  return from <= to ? { from, to } : { from: to, to: from };
}

async function groupCount(pipeline: Record<string, unknown>[]): Promise<Map<string, number>> {
  const rows = await AgreementModel.aggregate<{ _id: string | null; n: number }>(pipeline as never[]);
  return new Map(rows.filter((r) => r._id != null).map((r) => [String(r._id), r.n]));
}

export async function pipelineMetrics(
  period: Period,
  stuckDays: number,
  now = new Date(),
): Promise<PipelineMetrics> {
  const start = period.from;
  const end = addDays(period.to, 1);
  const inPeriod = trusted({ $gte: start, $lt: end });
  const cutoff = new Date(now.getTime() - stuckDays * DAY_MS);
  const signedMatch = {
    signedAt: trusted({ $gte: start, $lt: end }),
    stage: trusted({ $in: [...SIGNED_STAGES] }),
  };

  const [counts, values, moveRows, histories, stuckCounts, stuckRows, perQuarter, perCategory, perCountry] =
    await Promise.all([
      countByStage({}),
      valueByStage({}),
      AgreementModel.aggregate<{ _id: { from: Stage; to: Stage }; n: number }>([
        { $match: { 'stageHistory.at': inPeriod } },
        { $unwind: '$stageHistory' },
        { $match: { 'stageHistory.at': inPeriod, 'stageHistory.from': trusted({ $ne: null }) } },
        { $group: { _id: { from: '$stageHistory.from', to: '$stageHistory.to' }, n: { $sum: 1 } } },
      ]),
      AgreementModel.find({ 'stageHistory.at': inPeriod }, { stageHistory: 1 }).lean<
        Pick<Agreement, '_id' | 'stageHistory'>[]
      >(),
      groupCount([
        { $match: { stage: trusted({ $in: [...AGEING_STAGES] }), stageChangedAt: trusted({ $lt: cutoff }) } },
        { $group: { _id: '$stage', n: { $sum: 1 } } },
      ]),
      AgreementModel.find(
        { stage: trusted({ $in: [...AGEING_STAGES] }), stageChangedAt: trusted({ $lt: cutoff }) },
        LIST_FIELDS,
      )
        .sort({ stageChangedAt: 1, _id: 1 })
        .limit(STUCK_LIST_LIMIT)
        .lean<AgreementRow[]>(),
      groupCount([{ $match: signedMatch }, { $group: { _id: '$signedQuarter', n: { $sum: 1 } } }]),
      groupCount([{ $match: signedMatch }, { $group: { _id: '$category', n: { $sum: 1 } } }]),
      groupCount([
        { $match: signedMatch },
        { $unwind: '$partnerCountries' },
        { $group: { _id: '$partnerCountries', n: { $sum: 1 } } },
      ]),
    ]);

  const moves = new Map<Stage, Partial<Record<Stage, number>>>();
  for (const r of moveRows) {
    if (!r._id?.from || !r._id.to) continue;
    const m = moves.get(r._id.from) ?? {};
    m[r._id.to] = (m[r._id.to] ?? 0) + r.n;
    moves.set(r._id.from, m);
  }
  const conversion: ConversionRow[] = CONVERSION_STEPS.map(([from, to]) => {
    const m = moves.get(from) ?? {};
    const exits = Object.values(m).reduce((s, n) => s + (n ?? 0), 0);
    const converted = m[to] ?? 0;
    return { from, to, exits, converted, rate: exits ? converted / exits : null, moves: m };
  });

  const stayMap = stageStays(
    histories.map((h) => h.stageHistory),
    start,
    end,
  );
  const stays: StayStats[] = STAGES.filter(
    (s) => s !== 'expired' && s !== 'terminated' && s !== 'withdrawn',
  ).map((stage) => ({
    stage,
    stays: stayMap.get(stage)?.length ?? 0,
    medianDays: median(stayMap.get(stage) ?? []),
  }));

  const quarters = quartersBetween(period.from, period.to);
  const signedPerQuarter = quarters.map((quarter) => ({ quarter, count: perQuarter.get(quarter) ?? 0 }));
  const signedTotal = signedPerQuarter.reduce((s, q) => s + q.count, 0);

  return {
    period,
    stuckDays,
    perStage: STAGES.map((stage) => ({
      stage,
      count: counts.get(stage) ?? 0,
      totals: sortedTotals(values.get(stage)),
    })),
    conversion,
    stays,
    ageing: AGEING_STAGES.map((stage) => ({
      stage,
      open: counts.get(stage) ?? 0,
      stuck: stuckCounts.get(stage) ?? 0,
    })),
    stuck: stuckRows.map((r) => ({
      ...r,
      daysInStage: Math.floor((now.getTime() - r.stageChangedAt.getTime()) / DAY_MS),
    })),
    signedPerQuarter,
    signedPerCategory: CATEGORIES.map((category) => ({ category, count: perCategory.get(category) ?? 0 })),
    signedPerCountry: [...perCountry.entries()]
      .map(([country, count]) => ({ country, count }))
      .sort((a, b) => b.count - a.count || a.country.localeCompare(b.country)),
    signedTotal,
  };
}
