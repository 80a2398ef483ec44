import { Types } from 'mongoose';
import { insertWithSequence } from '../../lib/counters.js';
import { allOf, objectIds, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.js';
import { nextDay, startOfDayInZone, toLocalDay } from '../../lib/local-time.js';
import { can } from '../../lib/permissions.js';
import { recordAudit, type AuditContext } from '../audit/index.js';
import { routeCase, slaDueDates, startClock, type Desk } from '../desks/index.js';
import { PartnerModel } from '../partners/index.js';
import { UserModel } from '../users/index.js';
import { caseAccess, type CaseAccess } from './case-access.js';
import { clockFields, derivedDue, weekKey } from './case-clock.js';
import { CaseModel, OPEN_STATUSES, type ComplaintCase } from './case.model.js';
import type { CaseListQuery, CaseScope, IntakeInput } from './cases.schemas.js';

type Id = Types.ObjectId | string;

export const LIST_PAGE_SIZE = 50;
/** Nothing the alliance handles predates it by decades: older incident dates are typos. */
const EARLIEST_INCIDENT = '2000-01-01';

const oid = (id: Id) => new Types.ObjectId(String(id));

/** "CC-2026-000123". */
export function caseNumber(year: number, seq: number): string {
  return `CC-${year}-${String(seq).padStart(6, '0')}`;
}

export interface IntakeOptions {
  /** The user's zone: the incident date is their calendar day. */
  timeZone: string;
  now?: Date;
}

interface LivePartner {
  _id: Types.ObjectId;
  type: string;
}

/** Live partners with these ids, or a field error when any id names none (forged, archived, merged). */
async function livePartners(ids: string[], errors: FieldErrors): Promise<LivePartner[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const found = await PartnerModel.find(
    { _id: trusted({ $in: unique.map(oid) }), archivedAt: null, mergedInto: null },
    { type: 1 },
  ).lean<LivePartner[]>();
  if (found.length !== unique.length) errors.partners = 'cases.errors.partners';
  return found;
}

/**
 * Logs a complaint: checks it against the database, routes it (first matching rule, else the
 * default desk), assigns it when the rule says so, starts its SLA clocks from the desk's policy,
 * and stores it under the next yearly number (unique index; a clash takes the next number).
 */
export async function createCase(
  input: IntakeInput,
  user: Express.User,
  ctx: AuditContext,
  opts: IntakeOptions,
): Promise<ComplaintCase> {
  const now = opts.now ?? new Date();
  const errors: FieldErrors = {};
  const today = toLocalDay(now, opts.timeZone);
  if (input.incidentDate > today) errors.incidentDate = 'cases.errors.futureIncident';
  else if (input.incidentDate < EARLIEST_INCIDENT) errors.incidentDate = 'cases.errors.tooOld';
  const partners = await livePartners(input.partners, errors);
  if (Object.keys(errors).length) throw new ValidationError(errors);

  const partnerTypes = [...new Set(partners.map((p) => p.type))];
  const route = await routeCase({
    incidentCountry: input.incidentCountry,
    originCountry: input.originCountry,
    category: input.category,
    partnerTypes,
  });
  const desk = route.desk;
  const clock = startClock(desk.sla[input.priority], now);
  const timeline: Record<string, unknown>[] = [
    { at: now, by: user._id, kind: 'created', meta: { channel: input.channel } },
    {
      at: now,
      by: null,
      kind: 'routed',
      to: desk._id.toHexString(),
      meta: route.rule
        ? { rule: route.rule.name, ruleId: route.rule._id.toHexString(), desk: desk.name }
        : { rule: null, desk: desk.name },
    },
  ];
  let status: 'new' | 'assigned' = 'new';
  if (route.assignee) {
    status = 'assigned';
    timeline.push({
      at: now,
      by: null,
      kind: 'assigned',
      to: route.assignee.toHexString(),
      meta: { rule: route.rule?.name ?? null },
    });
  }
  const base = {
    channel: input.channel,
    complainant: {
      name: input.complainantName,
      contact: input.complainantContact,
      nationality: input.complainantNationality,
    },
    originCountry: input.originCountry,
    incidentCountry: input.incidentCountry,
    incidentCity: input.incidentCity,
    incidentDate: startOfDayInZone(input.incidentDate, opts.timeZone),
    countryPair: `${input.originCountry}>${input.incidentCountry}`,
    category: input.category,
    partners: partners.map((p) => p._id),
    description: input.description,
    priority: input.priority,
    desk: desk._id,
    pastDesks: [],
    assignee: route.assignee,
    status,
    loggedBy: user._id,
    timeline,
    openedAt: now,
    ...clockFields(clock),
    openedWeek: weekKey(now),
    version: 1,
  };
  const fields = { ...base, ...derivedDue({ ...base, acknowledgedAt: null, resolvedAt: null }) };
  const year = Number(today.slice(0, 4));
  const doc = await insertWithSequence(`case:${year}`, async (seq) =>
    CaseModel.create({ ...fields, year, number: caseNumber(year, seq) }),
  );
  const created = doc.toObject() as ComplaintCase;
  await recordAudit(ctx, {
    action: 'case.create',
    entity: 'case',
    entityId: created._id,
    meta: {
      number: created.number,
      desk: desk._id.toHexString(),
      rule: route.rule?.name ?? null,
      assignee: route.assignee?.toHexString() ?? null,
    },
  });
  return created;
}

/** Due times a desk's policy gives a case of this priority opened at `from` (tests, seed). */
export function dueDatesFor(desk: Pick<Desk, 'sla'>, priority: ComplaintCase['priority'], from: Date) {
  return slaDueDates(desk, priority, from);
}

/** The case if the user may read it; 404 otherwise (its existence is not revealed). */
export async function findCaseFor(
  id: Id,
  user: Express.User,
): Promise<{ c: ComplaintCase; access: CaseAccess }> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const c = await CaseModel.findById(oid(id)).lean<ComplaintCase>();
  if (!c) throw new NotFoundError();
  const access = caseAccess(user, c);
  if (!access.read) throw new NotFoundError();
  return { c, access };
}

/** A manager or admin reading complainant details of a case outside their desks is audited. */
export async function auditRestrictedView(
  c: ComplaintCase,
  access: CaseAccess,
  ctx: AuditContext,
): Promise<void> {
  if (!access.outsideDesks) return;
  await recordAudit(ctx, {
    action: 'case.view_restricted',
    entity: 'case',
    entityId: c._id,
    meta: { number: c.number },
  });
}

export function defaultScope(user: Express.User): CaseScope {
  if (can(user, 'cases.read_all')) return 'all';
  if (can(user, 'cases.work')) return 'desks';
  return 'logged';
}

/** The cases a user may read: all, or those of their desks (current or past) and those they logged. */
function readableFilter(user: Express.User): Record<string, unknown> | null {
  if (can(user, 'cases.read_all')) return null;
  const or: Record<string, unknown>[] = [{ loggedBy: user._id }];
  if (can(user, 'cases.work') && user.desks.length) {
    or.push({ desk: trusted({ $in: user.desks }) }, { pastDesks: trusted({ $in: user.desks }) });
  }
  return { $or: or };
}

function dayRange(from: string, to: string, timeZone: string): Record<string, Date> | null {
  const range: Record<string, Date> = {};
  if (from) range.$gte = startOfDayInZone(from, timeZone);
  if (to) range.$lt = startOfDayInZone(nextDay(to), timeZone);
  return Object.keys(range).length ? range : null;
}

/** The list query as a filter (every value typed by us: user input is never an operator). */
export function buildCaseQuery(
  q: CaseListQuery,
  user: Express.User,
  now: Date,
): { filter: Record<string, unknown>; scope: CaseScope } {
  const scope = q.scope || defaultScope(user);
  const and: Record<string, unknown>[] = [];
  const readable = readableFilter(user);
  if (readable) and.push(readable);
  if (scope === 'all' && !can(user, 'cases.read_all')) throw new ForbiddenError();
  if (scope === 'mine') and.push({ assignee: user._id });
  if (scope === 'logged') and.push({ loggedBy: user._id });
  if (scope === 'desks') {
    const desks = objectIds(user.desks);
    and.push({ $or: [{ desk: trusted({ $in: desks }) }, { pastDesks: trusted({ $in: desks }) }] });
  }
  if (q.status === 'open') and.push({ status: trusted({ $in: [...OPEN_STATUSES] }) });
  else if (q.status) and.push({ status: q.status });
  if (q.priority) and.push({ priority: q.priority });
  if (q.desk) and.push({ desk: oid(q.desk) });
  if (q.category) and.push({ category: q.category });
  if (q.originCountry) and.push({ originCountry: q.originCountry });
  if (q.incidentCountry) and.push({ incidentCountry: q.incidentCountry });
  if (q.partner) and.push({ partners: oid(q.partner) });
  const opened = dayRange(q.openedFrom, q.openedTo, user.timeZone);
  if (opened) and.push({ openedAt: trusted(opened) });
  const incident = dayRange(q.incidentFrom, q.incidentTo, user.timeZone);
  if (incident) and.push({ incidentDate: trusted(incident) });
  const open = { status: trusted({ $in: [...OPEN_STATUSES] }) };
  switch (q.breach) {
    case 'breached':
      and.push({ $or: [{ ackBreached: true }, { resolveBreached: true }] });
      break;
    case 'ack_breached':
      and.push({ ackBreached: true });
      break;
    case 'resolve_breached':
      and.push({ resolveBreached: true });
      break;
    case 'at_risk':
      and.push(open, {
        ackBreached: false,
        resolveBreached: false,
        atRiskAt: trusted({ $lte: now }),
        dueAt: trusted({ $gt: now }),
      });
      break;
    case 'on_track':
      and.push(open, {
        ackBreached: false,
        resolveBreached: false,
        $or: [{ atRiskAt: null }, { atRiskAt: trusted({ $gt: now }) }],
      });
      break;
    default:
      break;
  }
  return { filter: allOf(and), scope };
}

export const LIST_FIELDS = {
  number: 1,
  status: 1,
  priority: 1,
  category: 1,
  desk: 1,
  pastDesks: 1,
  assignee: 1,
  loggedBy: 1,
  originCountry: 1,
  incidentCountry: 1,
  incidentCity: 1,
  openedAt: 1,
  ackDueAt: 1,
  resolveDueAt: 1,
  resolveStartedAt: 1,
  acknowledgedAt: 1,
  resolvedAt: 1,
  pausedAt: 1,
  pausedMs: 1,
  dueAt: 1,
  ackBreached: 1,
  resolveBreached: 1,
} as const;

export type CaseRow = Pick<ComplaintCase, '_id' | keyof typeof LIST_FIELDS>;

/** Cases by next due time (soonest first), keyset-paginated on (dueAt, _id). */
export async function listCases(
  q: CaseListQuery,
  user: Express.User,
  now = new Date(),
  limit = LIST_PAGE_SIZE,
): Promise<Page<CaseRow> & { scope: CaseScope }> {
  const { filter, scope } = buildCaseQuery(q, user, now);
  const cursor = decodeCursor(q.after || undefined);
  let query = filter;
  if (cursor) {
    const at = new Date(Number(cursor.v));
    const id = oid(cursor.id);
    const after = {
      $or: [{ dueAt: trusted({ $gt: at }) }, { dueAt: at, _id: trusted({ $gt: id }) }],
    };
    query = allOf([filter, after]);
  }
  const rows = await CaseModel.find(query, LIST_FIELDS)
    .sort({ dueAt: 1, _id: 1 })
    .limit(limit + 1)
    .lean<CaseRow[]>();
  return { ...toPage(rows, limit, (r) => r.dueAt.getTime()), scope };
}

/** Open cases per assignee on a desk: least-open assignment (desks) counts with this. */
export async function openCasesPerUser(
  deskId: Types.ObjectId,
  userIds: Types.ObjectId[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!userIds.length) return out;
  // One $sum per $group (FerretDB computes only the first accumulator).
  const rows = await CaseModel.aggregate<{ _id: Types.ObjectId; n: number }>([
    {
      $match: {
        desk: deskId,
        assignee: trusted({ $in: userIds }),
        status: trusted({ $in: [...OPEN_STATUSES] }),
      },
    },
    { $group: { _id: '$assignee', n: { $sum: 1 } } },
  ]);
  for (const r of rows) out.set(String(r._id), r.n);
  return out;
}

export function openCasesOfDesk(deskId: Types.ObjectId): Promise<number> {
  return CaseModel.countDocuments({ desk: deskId, status: trusted({ $in: [...OPEN_STATUSES] }) });
}

/** Display names of users (assignees, authors) by hex id. */
export async function userLabels(ids: readonly unknown[]): Promise<Map<string, string>> {
  const list = objectIds(ids);
  if (!list.length) return new Map();
  const rows = await UserModel.find({ _id: trusted({ $in: list }) }, { name: 1 }).lean();
  return new Map(rows.map((u) => [u._id.toHexString(), u.name]));
}
