// The benchmark's agreements, complaint cases and doubling-plan markets with monthly actuals
// (full scale: 20k agreements, 50k cases, 500 markets × 36 months), so the dashboard, the
// agreement board and the case queue are measured on data. Deterministic for a seed, inserted
// in batches through the raw driver with the keys the services derive on write.
import { Types } from 'mongoose';
import { countryOptions } from '../../src/lib/countries.js';
import {
  AgreementModel,
  CATEGORIES,
  quarterOf,
  STAGES,
  titleKey,
  type Stage,
} from '../../src/modules/agreements/index.js';
import {
  CASE_CATEGORIES,
  CASE_CHANNELS,
  CASE_PRIORITIES,
  CaseModel,
  derivedDue,
  OPEN_STATUSES,
  weekKey,
} from '../../src/modules/cases/index.js';
import { DeskModel, deskNameKey, slaDueDates, type SlaPolicy } from '../../src/modules/desks/index.js';
import {
  ActualModel,
  CHONGQING,
  MarketModel,
  pairKey,
  toYearMonth,
} from '../../src/modules/targets/index.js';
import { insertBatches } from './batches.js';

export const BUSINESS_FULL_SCALE = { agreements: 20_000, cases: 50_000, markets: 500 } as const;
const DAY = 86_400_000;
const HOUR = 3_600_000;

const SLA: SlaPolicy = {
  low: { ackHours: 48, resolveHours: 240 },
  normal: { ackHours: 24, resolveHours: 120 },
  high: { ackHours: 8, resolveHours: 72 },
  urgent: { ackHours: 2, resolveHours: 24 },
};

export interface BusinessOptions {
  scale: number;
  rnd: () => number;
  now: number;
  users: Types.ObjectId[];
  partners: { _id: Types.ObjectId; country: string; type: string }[];
  log: (message: string) => void;
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

export async function generateBusiness(o: BusinessOptions) {
  const { rnd, now, users, partners, log } = o;
  const n = {
    agreements: Math.max(20, Math.round(BUSINESS_FULL_SCALE.agreements * o.scale)),
    cases: Math.max(20, Math.round(BUSINESS_FULL_SCALE.cases * o.scale)),
    markets: Math.max(4, Math.round(BUSINESS_FULL_SCALE.markets * o.scale)),
  };
  const rates: Record<string, number> = {};

  rates.agreements = await insertBatches(
    'agreements',
    n.agreements,
    (i) => {
      const party = rnd() < 0.2 ? [pick(rnd, partners), pick(rnd, partners)] : [pick(rnd, partners)];
      const stage = pick(rnd, STAGES) as Stage;
      const createdAt = new Date(now - Math.floor(rnd() * 3 * 365 * DAY));
      const signed = ['signed', 'active', 'expired', 'terminated'].includes(stage);
      const signedAt = signed ? new Date(Math.floor((createdAt.getTime() + 30 * DAY) / DAY) * DAY) : null;
      const expiresAt = signed ? new Date(Math.floor((now + (rnd() * 400 - 100) * DAY) / DAY) * DAY) : null;
      const title = `Cooperation agreement ${i}`;
      return {
        title,
        titleKey: titleKey(title),
        category: pick(rnd, CATEGORIES),
        partners: party.map((p) => p._id),
        partnerCountries: [...new Set(party.map((p) => p.country))].sort(),
        partnerTypes: [...new Set(party.map((p) => p.type))].sort(),
        owner: pick(rnd, users),
        value:
          rnd() < 0.7
            ? { amount: Math.round(rnd() * 1_000_000), currency: pick(rnd, ['CNY', 'THB', 'USD', 'VND']) }
            : { amount: null, currency: null },
        stage,
        stageVersion: 1,
        stageChangedAt: new Date(createdAt.getTime() + 10 * DAY),
        stageHistory: [
          { from: null, to: 'lead', at: createdAt, by: null, note: null },
          ...(stage === 'lead'
            ? []
            : [
                {
                  from: 'lead',
                  to: stage,
                  at: new Date(createdAt.getTime() + 10 * DAY),
                  by: null,
                  note: null,
                },
              ]),
        ],
        expectedSignAt: signed ? null : new Date(Math.floor((now + rnd() * 120 * DAY) / DAY) * DAY),
        signedAt,
        signedQuarter: quarterOf(signedAt),
        effectiveFrom: signedAt,
        expiresAt,
        event: null,
        notes: null,
        attachments: [],
        renewalOf: null,
        renewedBy: null,
        remindersSent: [],
        createdBy: null,
        createdAt,
        updatedAt: createdAt,
      };
    },
    (docs) => AgreementModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  const desk = { _id: new Types.ObjectId(), sla: SLA };
  await DeskModel.collection.insertOne({
    _id: desk._id,
    name: 'Bench desk',
    nameKey: deskNameKey('Bench desk'),
    timeZone: 'Asia/Shanghai',
    lead: users[0] ?? null,
    isDefault: !(await DeskModel.exists({ isDefault: true })),
    sla: SLA,
    archivedAt: null,
  });
  const year = new Date(now).getUTCFullYear();
  rates.cases = await insertBatches(
    'cases',
    n.cases,
    (i) => {
      // Most cases are long closed; the open ones are recent.
      const status = rnd() < 0.85 ? pick(rnd, ['resolved', 'closed'] as const) : pick(rnd, OPEN_STATUSES);
      const open = OPEN_STATUSES.includes(status);
      const openedAt = new Date(now - Math.floor((open ? rnd() * 20 : rnd() * 3 * 365) * DAY));
      const priority = pick(rnd, CASE_PRIORITIES);
      const due = slaDueDates(desk, priority, openedAt);
      const acknowledgedAt = status === 'new' ? null : new Date(openedAt.getTime() + HOUR);
      const resolvedAt = open ? null : new Date(openedAt.getTime() + Math.floor(rnd() * 100) * HOUR);
      const clock = {
        status,
        openedAt,
        ackDueAt: due.ackDueAt,
        resolveStartedAt: openedAt,
        resolveDueAt: due.resolveDueAt,
        pausedAt: null,
        pausedMs: 0,
        acknowledgedAt,
        resolvedAt,
      };
      // A running system flags a window within a minute of its due time (cases.escalate), so a
      // window missed before now is already flagged, with its timeline entry: otherwise the
      // escalation job spends the benchmark's first minutes flagging thousands of old cases.
      const ackBreached = (acknowledgedAt ?? new Date(now)) > due.ackDueAt;
      const resolveBreached = (resolvedAt ?? new Date(now)) > due.resolveDueAt;
      const breaches = [
        ...(ackBreached ? [{ at: due.ackDueAt, to: 'ack' }] : []),
        ...(resolveBreached ? [{ at: due.resolveDueAt, to: 'resolve' }] : []),
      ].map(({ at, to }) => ({ at, by: null, kind: 'breach', to, meta: { dueAt: at.toISOString() } }));
      const origin = pick(rnd, ['CN', 'TH', 'VN', 'MY']);
      const incident = pick(rnd, ['TH', 'VN', 'SG', 'CN']);
      const partner = pick(rnd, partners);
      const loggedBy = pick(rnd, users);
      return {
        ...clock,
        ...derivedDue(clock),
        number: `CC-${year - 1}-B${String(i).padStart(7, '0')}`,
        year: year - 1,
        channel: pick(rnd, CASE_CHANNELS),
        complainant: {
          name: `Traveller ${i}`,
          contact: `+86 138 ${String(i).padStart(8, '0')}`,
          nationality: origin,
        },
        originCountry: origin,
        incidentCountry: incident,
        incidentCity: '',
        incidentDate: new Date(openedAt.getTime() - DAY),
        countryPair: `${origin}>${incident}`,
        category: pick(rnd, CASE_CATEGORIES),
        partners: [partner._id],
        description: 'The itinerary was changed without notice.',
        priority,
        desk: desk._id,
        pastDesks: [],
        assignee: status === 'new' || status === 'triaged' ? null : loggedBy,
        loggedBy,
        timeline: [{ at: openedAt, by: loggedBy, kind: 'created', meta: {} }, ...breaches],
        attachments: [],
        closedAt: status === 'closed' ? resolvedAt : null,
        reopenedAt: null,
        ackBreached,
        resolveBreached,
        ackBreachedAt: ackBreached ? due.ackDueAt : null,
        resolveBreachedAt: resolveBreached ? due.resolveDueAt : null,
        openedWeek: weekKey(openedAt),
        resolvedWeek: resolvedAt ? weekKey(resolvedAt) : null,
        ackWithinSla: acknowledgedAt ? acknowledgedAt <= due.ackDueAt : null,
        resolvedWithinSla: resolvedAt ? resolvedAt <= due.resolveDueAt : null,
        resolveMs: resolvedAt ? resolvedAt.getTime() - openedAt.getTime() : null,
        resolution: open ? { code: null, text: null } : { code: 'apology', text: 'Apologised.' },
        version: 1,
        createdAt: openedAt,
        updatedAt: openedAt,
      };
    },
    (docs) => CaseModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  // One market per ordered pair with Chongqing: inbound and outbound for each country.
  const countries = countryOptions('en').map((c) => c.value);
  const pairs: [string, string][] = [];
  for (const c of countries) pairs.push([c, CHONGQING], [CHONGQING, c]);
  const markets = pairs.slice(0, n.markets).map(([origin, destination]) => ({
    _id: new Types.ObjectId(),
    origin,
    destination,
    pairKey: pairKey(origin, destination),
    baselineYear: year - 3,
    baselineVisitors: 10_000 + Math.floor(rnd() * 500_000),
    multiplier: 2,
    targetYear: year + 2,
    owner: pick(rnd, users),
    notes: null,
    createdBy: null,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  }));
  await MarketModel.collection.insertMany(markets, { ordered: false });
  const months: { market: Types.ObjectId; y: number; m: number; base: number }[] = [];
  for (const market of markets) {
    for (let k = 35; k >= 0; k--) {
      const d = new Date(Date.UTC(year, new Date(now).getUTCMonth() - 1 - k, 1));
      months.push({
        market: market._id,
        y: d.getUTCFullYear(),
        m: d.getUTCMonth() + 1,
        base: market.baselineVisitors,
      });
    }
  }
  rates.actuals = await insertBatches(
    'monthly actuals',
    months.length,
    (i) => {
      const { market, y, m, base } = months[i]!;
      return {
        market,
        year: y,
        month: m,
        yearMonth: toYearMonth(y, m),
        visitors: Math.round((base / 12) * (0.8 + rnd() * 0.8)),
        source: 'seed',
        updatedBy: null,
        createdAt: new Date(now),
        updatedAt: new Date(now),
      };
    },
    (docs) => ActualModel.collection.insertMany(docs, { ordered: false }),
    log,
  );

  return { counts: { ...n, markets: markets.length, actuals: months.length }, rates };
}
