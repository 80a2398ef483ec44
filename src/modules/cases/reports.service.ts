import type { PipelineStage, Types } from 'mongoose';
import { config } from '../../config/index.js';
import { trusted } from '../../lib/db/index.js';
import { ValidationError } from '../../lib/errors.js';
import { nextDay, startOfDayInZone, toLocalDay } from '../../lib/local-time.js';
import { weekKey } from './case-clock.js';
import { CaseModel, CASE_PRIORITIES, OPEN_STATUSES, type CasePriority } from './case.model.js';
import type { ReportQuery } from './cases.schemas.js';

const DAY_MS = 24 * 60 * 60_000;
const WEEKS = { '4w': 4, '12w': 12, '26w': 26, '52w': 52 } as const;
const MAX_CUSTOM_DAYS = 3 * 366;

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Monday of every week the period touches, oldest first. */
  weeks: string[];
}

function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The report period: the last N weeks (whole weeks, this one included) or custom days. */
export function reportPeriod(q: ReportQuery, now: Date, timeZone = config.defaultTimeZone): Period {
  let fromDay: string;
  let toDay: string;
  if (q.period === 'custom') {
    if (!q.from || !q.to) throw new ValidationError({ from: 'cases.reports.errors.range' });
    if (q.from > q.to) throw new ValidationError({ to: 'cases.reports.errors.order' });
    const span = (Date.parse(q.to) - Date.parse(q.from)) / DAY_MS;
    if (span > MAX_CUSTOM_DAYS) throw new ValidationError({ to: 'cases.reports.errors.tooLong' });
    fromDay = q.from;
    toDay = q.to;
  } else {
    toDay = toLocalDay(now, timeZone);
    fromDay = addDays(weekKey(now, timeZone), -7 * (WEEKS[q.period] - 1));
  }
  const weeks: string[] = [];
  for (let w = weekKey(startOfDayInZone(fromDay, timeZone), timeZone); w <= toDay; w = addDays(w, 7)) {
    weeks.push(w);
  }
  return {
    from: startOfDayInZone(fromDay, timeZone),
    to: startOfDayInZone(nextDay(toDay), timeZone),
    weeks,
  };
}

interface Bucket<K> {
  _id: K;
  n: number;
}

/** One accumulator per $group: FerretDB 1.24 computes only the first. */
function countBy<K>(
  match: Record<string, unknown>,
  key: string | Record<string, string>,
  extra: PipelineStage[] = [],
) {
  return CaseModel.aggregate<Bucket<K>>([
    { $match: match },
    ...extra,
    { $group: { _id: key, n: { $sum: 1 } } },
  ]);
}

export interface SlaRow {
  desk: string;
  priority: CasePriority;
  total: number;
  within: number;
  /** Percentage with one decimal, or null when nothing counted. */
  pct: number | null;
}

export interface CaseReport {
  period: Period;
  openedPerWeek: { week: string; opened: number; resolved: number }[];
  totals: { opened: number; resolved: number };
  ackSla: SlaRow[];
  resolveSla: SlaRow[];
  medianResolveHours: number | null;
  backlog: { key: string; n: number }[];
  byCategory: { key: string; n: number }[];
  byCountryPair: { origin: string; incident: string; n: number }[];
  topPartners: { partner: Types.ObjectId; n: number }[];
}

export const BACKLOG_BUCKETS = [
  { key: 'lt1d', minDays: 0, maxDays: 1 },
  { key: 'd1to3', minDays: 1, maxDays: 3 },
  { key: 'd3to7', minDays: 3, maxDays: 7 },
  { key: 'd7to14', minDays: 7, maxDays: 14 },
  { key: 'd14to30', minDays: 14, maxDays: 30 },
  { key: 'gt30d', minDays: 30, maxDays: null },
] as const;

const pct = (within: number, total: number) => (total ? Math.round((within / total) * 1000) / 10 : null);

export function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

type SlaKey = { desk: Types.ObjectId; priority: CasePriority; ok: boolean | null };

function slaRows(rows: Bucket<SlaKey>[]): SlaRow[] {
  const map = new Map<string, SlaRow>();
  for (const r of rows) {
    const key = `${String(r._id.desk)}|${r._id.priority}`;
    const row = map.get(key) ?? {
      desk: String(r._id.desk),
      priority: r._id.priority,
      total: 0,
      within: 0,
      pct: null,
    };
    row.total += r.n;
    if (r._id.ok === true) row.within += r.n;
    map.set(key, row);
  }
  const order = (p: CasePriority) => CASE_PRIORITIES.indexOf(p);
  return [...map.values()]
    .map((r) => ({ ...r, pct: pct(r.within, r.total) }))
    .sort((a, b) => a.desk.localeCompare(b.desk) || order(b.priority) - order(a.priority));
}

/**
 * The complaint-handling report over a period, in parallel pipelines of the FerretDB-safe subset
 * (one $sum per $group) finished in TypeScript:
 * - opened per week (openedAt in the period) and resolved per week (resolvedAt in the period);
 * - acknowledge SLA per desk and priority: cases opened in the period whose acknowledge window is
 *   decided (acknowledged, or breached unacknowledged); within = acknowledged by ackDueAt;
 * - resolve SLA per desk and priority: cases resolved in the period; within = by resolveDueAt;
 * - median time to resolve (working hours: paused time excluded) of cases resolved in the period;
 * - backlog by age: cases open now, by time since intake;
 * - category, country pair and top partners of the cases opened in the period.
 */
export async function caseReport(
  q: ReportQuery,
  now = new Date(),
  timeZone = config.defaultTimeZone,
): Promise<CaseReport> {
  const period = reportPeriod(q, now, timeZone);
  const openedIn = { openedAt: trusted({ $gte: period.from, $lt: period.to }) };
  const resolvedIn = { resolvedAt: trusted({ $gte: period.from, $lt: period.to }) };
  const open = { status: trusted({ $in: [...OPEN_STATUSES] }) };

  const [
    opened,
    resolved,
    ackDone,
    ackMissed,
    resolveRows,
    durations,
    categories,
    pairs,
    partners,
    ...backlog
  ] = await Promise.all([
    countBy<string>(openedIn, '$openedWeek'),
    countBy<string>(resolvedIn, '$resolvedWeek'),
    countBy<SlaKey>(
      { ...openedIn, acknowledgedAt: trusted({ $ne: null }) },
      {
        desk: '$desk',
        priority: '$priority',
        ok: '$ackWithinSla',
      },
    ),
    countBy<SlaKey>(
      { ...openedIn, acknowledgedAt: null, ackBreached: true },
      {
        desk: '$desk',
        priority: '$priority',
        ok: '$ackWithinSla',
      },
    ),
    countBy<SlaKey>(resolvedIn, { desk: '$desk', priority: '$priority', ok: '$resolvedWithinSla' }),
    CaseModel.find({ ...resolvedIn, resolveMs: trusted({ $ne: null }) }, { resolveMs: 1 }).lean(),
    countBy<string>(openedIn, '$category'),
    countBy<string>(openedIn, '$countryPair'),
    CaseModel.aggregate<Bucket<Types.ObjectId>>([
      { $match: openedIn },
      { $unwind: '$partners' },
      { $group: { _id: '$partners', n: { $sum: 1 } } },
      { $sort: { n: -1, _id: 1 } },
      { $limit: 10 },
    ]),
    ...BACKLOG_BUCKETS.map((b) => {
      const openedAt: Record<string, Date> = { $lte: new Date(now.getTime() - b.minDays * DAY_MS) };
      if (b.maxDays !== null) openedAt.$gt = new Date(now.getTime() - b.maxDays * DAY_MS);
      return CaseModel.countDocuments({ ...open, openedAt: trusted(openedAt) });
    }),
  ]);

  const openedMap = new Map(opened.map((r) => [r._id, r.n]));
  const resolvedMap = new Map(resolved.map((r) => [r._id, r.n]));
  return {
    period,
    openedPerWeek: period.weeks.map((week) => ({
      week,
      opened: openedMap.get(week) ?? 0,
      resolved: resolvedMap.get(week) ?? 0,
    })),
    totals: {
      opened: opened.reduce((s, r) => s + r.n, 0),
      resolved: resolved.reduce((s, r) => s + r.n, 0),
    },
    ackSla: slaRows([...ackDone, ...ackMissed]),
    resolveSla: slaRows(resolveRows),
    medianResolveHours: (() => {
      const m = median(durations.map((d) => d.resolveMs!));
      return m === null ? null : Math.round((m / 3_600_000) * 10) / 10;
    })(),
    backlog: BACKLOG_BUCKETS.map((b, i) => ({ key: b.key, n: backlog[i] as number })),
    byCategory: categories
      .map((r) => ({ key: r._id, n: r.n }))
      .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key)),
    byCountryPair: pairs
      .map((r) => {
        const [origin = '', incident = ''] = r._id.split('>');
        return { origin, incident, n: r.n };
      })
      .sort((a, b) => b.n - a.n || a.origin.localeCompare(b.origin) || a.incident.localeCompare(b.incident)),
    topPartners: partners.map((r) => ({ partner: r._id, n: r.n })),
  };
}
