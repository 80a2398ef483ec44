import { Types } from 'mongoose';
import {
  CaseModel,
  derivedDue,
  weekKey,
  type CasePriority,
  type CaseStatus,
  type ComplaintCase,
} from '../../src/modules/cases/index.js';
import { slaDueDates, type Desk } from '../../src/modules/desks/index.js';

let seq = 0;

export interface CaseOverrides {
  desk: Pick<Desk, '_id' | 'sla'>;
  loggedBy: Types.ObjectId;
  status?: CaseStatus;
  priority?: CasePriority;
  openedAt?: Date;
  assignee?: Types.ObjectId | null;
  pastDesks?: Types.ObjectId[];
  partners?: Types.ObjectId[];
  category?: ComplaintCase['category'];
  originCountry?: string;
  incidentCountry?: string;
  channel?: ComplaintCase['channel'];
  complainantName?: string;
  description?: string;
  acknowledgedAt?: Date | null;
  resolvedAt?: Date | null;
  pausedAt?: Date | null;
  ackBreached?: boolean;
  resolveBreached?: boolean;
  resolveMs?: number | null;
  resolvedWithinSla?: boolean | null;
  ackWithinSla?: boolean | null;
  extra?: Record<string, unknown>;
}

/**
 * Inserts a case directly in any status, with due times from the desk's policy, the derived
 * keys the app stores, and consistent facts for the status (resolved cases have a resolution…).
 */
export async function createCase(o: CaseOverrides): Promise<ComplaintCase> {
  seq += 1;
  const status = o.status ?? 'new';
  const priority = o.priority ?? 'normal';
  const openedAt = o.openedAt ?? new Date();
  const due = slaDueDates(o.desk, priority, openedAt);
  const worked = !['new'].includes(status);
  const resolved = status === 'resolved' || status === 'closed';
  const assignee =
    o.assignee !== undefined
      ? o.assignee
      : ['assigned', 'in_progress', 'awaiting_partner'].includes(status)
        ? o.loggedBy
        : null;
  const resolvedAt =
    o.resolvedAt !== undefined ? o.resolvedAt : resolved ? new Date(openedAt.getTime() + 3_600_000) : null;
  const acknowledgedAt =
    o.acknowledgedAt !== undefined ? o.acknowledgedAt : worked ? new Date(openedAt.getTime() + 60_000) : null;
  const originCountry = o.originCountry ?? 'CN';
  const incidentCountry = o.incidentCountry ?? 'TH';
  const base = {
    status,
    openedAt,
    ackDueAt: due.ackDueAt,
    resolveStartedAt: openedAt,
    resolveDueAt: due.resolveDueAt,
    pausedAt:
      o.pausedAt !== undefined
        ? o.pausedAt
        : status === 'awaiting_partner'
          ? new Date(openedAt.getTime() + 120_000)
          : null,
    pausedMs: 0,
    acknowledgedAt,
    resolvedAt,
  };
  const doc = await CaseModel.create({
    ...base,
    ...derivedDue(base),
    number: `CC-2099-${String(100000 + seq).padStart(6, '0')}${Math.floor(Math.random() * 10)}`.slice(0, 14),
    year: 2099,
    channel: o.channel ?? 'phone',
    complainant: {
      name: o.complainantName ?? `Complainant ${seq}`,
      contact: '+66 81 000 0000',
      nationality: 'CN',
    },
    originCountry,
    incidentCountry,
    incidentCity: 'Bangkok',
    incidentDate: new Date(openedAt.getTime() - 86_400_000),
    countryPair: `${originCountry}>${incidentCountry}`,
    category: o.category ?? 'tour_quality',
    partners: o.partners ?? [],
    description: o.description ?? 'The tour skipped two scenic spots.',
    priority,
    desk: o.desk._id,
    pastDesks: o.pastDesks ?? [],
    assignee,
    loggedBy: o.loggedBy,
    timeline: [{ at: openedAt, by: o.loggedBy, kind: 'created', meta: { channel: o.channel ?? 'phone' } }],
    ackBreached: o.ackBreached ?? false,
    resolveBreached: o.resolveBreached ?? false,
    openedWeek: weekKey(openedAt),
    resolvedWeek: resolvedAt ? weekKey(resolvedAt) : null,
    ackWithinSla:
      o.ackWithinSla !== undefined ? o.ackWithinSla : acknowledgedAt ? acknowledgedAt <= due.ackDueAt : null,
    resolvedWithinSla:
      o.resolvedWithinSla !== undefined
        ? o.resolvedWithinSla
        : resolvedAt
          ? resolvedAt <= due.resolveDueAt
          : null,
    resolveMs:
      o.resolveMs !== undefined ? o.resolveMs : resolvedAt ? resolvedAt.getTime() - openedAt.getTime() : null,
    resolution: resolved ? { code: 'apology', text: 'Apologised.' } : { code: null, text: null },
    closedAt: status === 'closed' ? resolvedAt : null,
    version: 1,
    ...(o.extra ?? {}),
  });
  return doc.toObject() as ComplaintCase;
}

export const newId = () => new Types.ObjectId();
