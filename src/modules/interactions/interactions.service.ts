import { Types } from 'mongoose';
import { allOf, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ForbiddenError, NotFoundError, ValidationError, type FieldErrors } from '../../lib/errors.js';
import { can, canOnRecord, rolesFor } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { ContactModel, contactsOfPartner, type ContactOption } from '../contacts/index.js';
import { EventModel, findLiveEvent, recentEvents } from '../events/index.js';
import {
  canEditPartner,
  findLivePartner,
  findPartner,
  partnerNames,
  setLastInteraction,
  type Partner,
} from '../partners/index.js';
import { UserModel } from '../users/index.js';
import { InteractionModel, type Interaction, type InteractionKind } from './interaction.model.js';
import type { InteractionInput, InteractionListQuery } from './interactions.schemas.js';
import {
  localDateTimeToUtc,
  nextDay,
  startOfDayInZone,
  toLocalDateTimeInput,
  toLocalDay,
} from '../../lib/local-time.js';

type Id = Types.ObjectId | string;

export const TIMELINE_PAGE_SIZE = 20;
export const LIST_PAGE_SIZE = 50;
/** An interaction may be logged up to a day ahead (time zones, a call booked for tomorrow). */
export const FUTURE_LIMIT_MS = 24 * 60 * 60_000;
/** Authors may delete what they logged within this long of logging it. */
export const DELETE_WINDOW_MS = 24 * 60 * 60_000;
/** Nothing the alliance logs predates it by decades: older dates are typos (0226 for 2026). */
const EARLIEST = new Date('2000-01-01T00:00:00Z');
/** Follow-ups fall due at this local time on their day (reminders go out then, not at midnight). */
export const FOLLOW_UP_TIME = '09:00';
const FOLLOW_UP_MAX_DAYS = 5 * 366;

/** Fields recorded in the audit log with before/after values. */
const AUDITED = [
  'partner',
  'kind',
  'occurredAt',
  'contacts',
  'summary',
  'event',
  'followUpAt',
  'followUpAssignee',
  'followUpDone',
] as const;

/** What pages need of an interaction. */
export const ROW_FIELDS = {
  partner: 1,
  contacts: 1,
  kind: 1,
  occurredAt: 1,
  summary: 1,
  by: 1,
  event: 1,
  followUpAt: 1,
  followUpAssignee: 1,
  followUpDone: 1,
  followUpDoneAt: 1,
  createdAt: 1,
} as const;

export type InteractionRow = Pick<
  Interaction,
  | '_id'
  | 'partner'
  | 'contacts'
  | 'kind'
  | 'occurredAt'
  | 'summary'
  | 'by'
  | 'event'
  | 'followUpAt'
  | 'followUpAssignee'
  | 'followUpDone'
  | 'followUpDoneAt'
  | 'createdAt'
>;

const oid = (id: Id) => new Types.ObjectId(String(id));
const sameId = (a: Id | null | undefined, b: Id | null | undefined) => String(a ?? '') === String(b ?? '');
const sameTime = (a: Date | null | undefined, b: Date | null | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** A live (not deleted) interaction or 404. */
export async function findInteraction(id: Id): Promise<Interaction> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const doc = await InteractionModel.findOne({ _id: oid(id), deletedAt: null }).lean<Interaction>();
  if (!doc) throw new NotFoundError();
  return doc;
}

export function canEditInteraction(user: Express.User | undefined, doc: Pick<Interaction, 'by'>): boolean {
  return canOnRecord(user, 'interactions.update', doc.by);
}

/** Managers and admins delete any interaction; authors theirs within 24 hours of logging it. */
export function canDeleteInteraction(
  user: Express.User | undefined,
  doc: Pick<Interaction, 'by' | 'createdAt'>,
  now = new Date(),
): boolean {
  if (can(user, 'interactions.delete')) return true;
  return (
    canOnRecord(user, 'interactions.delete', doc.by) &&
    now.getTime() - doc.createdAt.getTime() <= DELETE_WINDOW_MS
  );
}

/** Who may log interactions on this partner: 'interactions.create' and the right to edit it. */
export function canLogOn(user: Express.User | undefined, partner: Pick<Partner, 'owner'>): boolean {
  return can(user, 'interactions.create') && canEditPartner(user, partner);
}

/** Sets the partner's lastInteractionAt to its newest remaining interaction (or none). */
export async function refreshLastInteraction(partnerId: Id): Promise<Date | null> {
  const newest = await InteractionModel.findOne(
    { partner: oid(partnerId), deletedAt: null },
    { occurredAt: 1 },
  )
    .sort({ occurredAt: -1, _id: -1 })
    .lean();
  const at = newest?.occurredAt ?? null;
  await setLastInteraction(partnerId, at);
  return at;
}

export interface WriteOptions {
  /** The user's time zone: form times and days are their wall-clock. */
  timeZone: string;
  now?: Date;
}

interface ResolvedFields {
  kind: InteractionKind;
  occurredAt: Date;
  contacts: Types.ObjectId[];
  summary: string;
  event: Types.ObjectId | null;
  followUpAt: Date | null;
  followUpAssignee: Types.ObjectId | null;
}

/** Users a follow-up can be assigned to: active, and able to see their follow-ups. */
export async function assigneeChoices(): Promise<{ _id: Types.ObjectId; name: string }[]> {
  return UserModel.find(
    { disabledAt: null, role: trusted({ $in: [...rolesFor('followups.read')] }) },
    { name: 1 },
  )
    .sort({ name: 1, _id: 1 })
    .lean<{ _id: Types.ObjectId; name: string }[]>();
}

async function isAssignable(id: string): Promise<boolean> {
  const found = await UserModel.exists({
    _id: oid(id),
    disabledAt: null,
    role: trusted({ $in: [...rolesFor('followups.read')] }),
  });
  return Boolean(found);
}

/** The due instant of a follow-up day in the user's zone. */
export function followUpInstant(day: string, timeZone: string): Date {
  return localDateTimeToUtc(`${day}T${FOLLOW_UP_TIME}`, timeZone);
}

/** Checks a new follow-up day: not before today, not years ahead. Returns an error key or null. */
export function followUpDayProblem(day: string, timeZone: string, now: Date): string | null {
  if (day < toLocalDay(now, timeZone)) return 'followUps.errors.past';
  const latest = toLocalDay(new Date(now.getTime() + FOLLOW_UP_MAX_DAYS * 86_400_000), timeZone);
  if (day > latest) return 'followUps.errors.tooFar';
  return null;
}

/**
 * Turns form input into stored values, checking everything against the database: contacts must
 * be live contacts of the partner, the event live, the assignee active. Every problem is reported
 * at once and nothing is written when there is one. On edit, values the user left as they were
 * stay valid (a contact archived since, the stored time to the second).
 */
async function resolveFields(
  partner: Pick<Partner, '_id'>,
  input: InteractionInput,
  user: Express.User,
  opts: WriteOptions,
  existing?: Interaction,
): Promise<ResolvedFields> {
  const now = opts.now ?? new Date();
  const tz = opts.timeZone;
  const errors: FieldErrors = {};

  let occurredAt: Date;
  if (!input.occurredAt) {
    occurredAt = existing?.occurredAt ?? now;
  } else if (existing && input.occurredAt === toLocalDateTimeInput(existing.occurredAt, tz)) {
    occurredAt = existing.occurredAt;
  } else {
    occurredAt = localDateTimeToUtc(input.occurredAt, tz);
    if (occurredAt.getTime() > now.getTime() + FUTURE_LIMIT_MS)
      errors.occurredAt = 'interactions.errors.future';
    else if (occurredAt < EARLIEST) errors.occurredAt = 'interactions.errors.tooOld';
  }

  const contactIds = [...new Set(input.contacts)];
  if (contactIds.length) {
    const found = await ContactModel.find(
      { _id: trusted({ $in: contactIds.map(oid) }), partner: partner._id },
      { archivedAt: 1 },
    ).lean();
    const kept = new Set((existing?.contacts ?? []).map(String));
    const ok = new Set(
      found.filter((c) => !c.archivedAt || kept.has(String(c._id))).map((c) => String(c._id)),
    );
    if (contactIds.some((id) => !ok.has(id))) errors.contacts = 'interactions.errors.contacts';
  }

  let event: Types.ObjectId | null = null;
  if (input.event) {
    if (existing?.event && sameId(existing.event, input.event)) event = existing.event;
    else {
      const live = await findLiveEvent(input.event);
      if (live) event = live._id;
      else errors.event = 'interactions.errors.event';
    }
  }

  let followUpAt: Date | null = null;
  let followUpAssignee: Types.ObjectId | null = null;
  if (input.followUpAt) {
    const stored = existing?.followUpAt ?? null;
    if (stored && toLocalDay(stored, tz) === input.followUpAt) followUpAt = stored;
    else {
      followUpAt = followUpInstant(input.followUpAt, tz);
      const problem = followUpDayProblem(input.followUpAt, tz, now);
      if (problem) errors.followUpAt = problem;
    }
    // Assigned to the author unless they chose someone else.
    const assignee = input.followUpAssignee || user._id.toHexString();
    if (existing?.followUpAssignee && sameId(existing.followUpAssignee, assignee)) {
      followUpAssignee = existing.followUpAssignee;
    } else if (await isAssignable(assignee)) followUpAssignee = oid(assignee);
    else errors.followUpAssignee = 'followUps.errors.assignee';
  }

  if (Object.keys(errors).length) throw new ValidationError(errors);
  return {
    kind: input.kind,
    occurredAt,
    contacts: contactIds.map(oid),
    summary: input.summary,
    event,
    followUpAt,
    followUpAssignee,
  };
}

export async function createInteraction(
  partnerId: Id,
  input: InteractionInput,
  user: Express.User,
  ctx: AuditContext,
  opts: WriteOptions,
): Promise<Interaction> {
  const partner = await findLivePartner(partnerId);
  if (!canLogOn(user, partner)) throw new ForbiddenError();
  const fields = await resolveFields(partner, input, user, opts);
  const created = await InteractionModel.create({
    ...fields,
    partner: partner._id,
    partnerType: partner.type,
    partnerCountry: partner.country,
    by: user._id,
    followUpDone: false,
    // A follow-up already due reminds at the next job run.
    followUpRemindAt: fields.followUpAt,
  });
  const doc = created.toObject() as Interaction;
  await refreshLastInteraction(partner._id);
  await recordAudit(ctx, {
    action: 'interaction.create',
    entity: 'interaction',
    entityId: doc._id,
    changes: diffFields(null, doc, AUDITED),
  });
  return doc;
}

export async function updateInteraction(
  id: Id,
  input: InteractionInput,
  user: Express.User,
  ctx: AuditContext,
  opts: WriteOptions,
): Promise<Interaction> {
  const before = await findInteraction(id);
  if (!canEditInteraction(user, before)) throw new ForbiddenError();
  const fields = await resolveFields({ _id: before.partner }, input, user, opts, before);
  const set: Record<string, unknown> = { ...fields };
  const dateChanged = !sameTime(before.followUpAt, fields.followUpAt);
  const assigneeChanged = !sameId(before.followUpAssignee, fields.followUpAssignee);
  if (!fields.followUpAt) {
    Object.assign(set, {
      followUpDone: false,
      followUpDoneAt: null,
      followUpDoneBy: null,
      followUpRemindAt: null,
      followUpNotifiedFor: null,
    });
  } else if (dateChanged) {
    // A new date is a new follow-up: open again, and it reminds on its own date.
    Object.assign(set, {
      followUpDone: false,
      followUpDoneAt: null,
      followUpDoneBy: null,
      followUpRemindAt: fields.followUpAt,
      followUpNotifiedFor: null,
    });
  } else if (assigneeChanged) {
    // The new assignee has not been told yet.
    Object.assign(set, {
      followUpRemindAt: before.followUpDone ? null : fields.followUpAt,
      followUpNotifiedFor: null,
    });
  }
  await InteractionModel.updateOne({ _id: before._id, deletedAt: null }, { $set: set });
  const after = await findInteraction(id);
  await refreshLastInteraction(after.partner);
  const changes = diffFields(before, after, AUDITED);
  if (changes.length) {
    await recordAudit(ctx, {
      action: 'interaction.update',
      entity: 'interaction',
      entityId: after._id,
      changes,
    });
  }
  return after;
}

/** Soft delete: the record stays (deletedAt/deletedBy) but leaves every page and count. */
export async function deleteInteraction(
  id: Id,
  user: Express.User,
  ctx: AuditContext,
  now = new Date(),
): Promise<Interaction> {
  const before = await findInteraction(id);
  if (!canDeleteInteraction(user, before, now)) throw new ForbiddenError('interactions.errors.deleteWindow');
  const res = await InteractionModel.updateOne(
    { _id: before._id, deletedAt: null },
    { $set: { deletedAt: now, deletedBy: user._id, followUpRemindAt: null } },
  );
  if (res.modifiedCount === 0) throw new NotFoundError();
  await refreshLastInteraction(before.partner);
  await recordAudit(ctx, {
    action: 'interaction.delete',
    entity: 'interaction',
    entityId: before._id,
    changes: [{ field: 'deletedAt', before: null, after: now }],
    meta: { partner: before.partner.toHexString(), summary: before.summary.slice(0, 200) },
  });
  return before;
}

export interface InteractionFilter {
  partner?: Id | undefined;
  event?: Id | undefined;
  by?: Id | undefined;
  kind?: InteractionKind | undefined;
  partnerType?: string | undefined;
  partnerCountry?: string | undefined;
  /** occurredAt ≥ from */
  from?: Date | undefined;
  /** occurredAt < to */
  to?: Date | undefined;
  after?: string | undefined;
}

/**
 * The list's filter from its query string: "me" is the viewer, days are the viewer's calendar
 * days and "to" includes its whole day. The list page and the export both use this.
 */
export function interactionFilter(
  query: Omit<InteractionListQuery, 'after'> & { after?: string },
  user: Express.User,
  timeZone: string,
): InteractionFilter {
  return {
    by: query.by === 'me' ? user._id : query.by || undefined,
    kind: query.kind || undefined,
    partnerType: query.partnerType || undefined,
    partnerCountry: query.partnerCountry || undefined,
    partner: query.partner || undefined,
    from: query.from ? startOfDayInZone(query.from, timeZone) : undefined,
    to: query.to ? startOfDayInZone(nextDay(query.to), timeZone) : undefined,
    after: query.after || undefined,
  };
}

/** The Mongo query of a filter, without its page cursor. */
export function buildInteractionQuery(filter: InteractionFilter): Record<string, unknown> {
  const and: Record<string, unknown>[] = [{ deletedAt: null }];
  if (filter.partner) and.push({ partner: oid(filter.partner) });
  if (filter.event) and.push({ event: oid(filter.event) });
  if (filter.by) and.push({ by: oid(filter.by) });
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.partnerType) and.push({ partnerType: filter.partnerType });
  if (filter.partnerCountry) and.push({ partnerCountry: filter.partnerCountry });
  if (filter.from) and.push({ occurredAt: trusted({ $gte: filter.from }) });
  if (filter.to) and.push({ occurredAt: trusted({ $lt: filter.to }) });
  return allOf(and);
}

/** Interactions newest first, keyset-paginated on (occurredAt, _id): stable while new ones arrive. */
export async function listInteractions(
  filter: InteractionFilter,
  limit = LIST_PAGE_SIZE,
): Promise<Page<InteractionRow>> {
  const and = [buildInteractionQuery(filter)];
  const cursor = decodeCursor(filter.after);
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = new Types.ObjectId(cursor.id);
    and.push({ $or: [{ occurredAt: trusted({ $lt: at }) }, { occurredAt: at, _id: trusted({ $lt: id }) }] });
  }
  const rows = await InteractionModel.find(allOf(and), ROW_FIELDS)
    .sort({ occurredAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<InteractionRow[]>();
  return toPage(rows, limit, (r) => r.occurredAt.getTime());
}

export interface RowNames {
  users: Map<string, { name: string; disabledAt?: Date | null }>;
  contacts: Map<string, { name: string; nameLocal?: string | null; archivedAt?: Date | null }>;
  events: Map<string, { name: string }>;
  partners: Map<
    string,
    { name: string; nameLocal?: string | null; country: string; archivedAt?: Date | null }
  >;
}

/**
 * Names for a page of rows: one query per collection, whatever the page size (no N+1).
 * Partner names are skipped when the page is about one partner.
 */
export async function namesFor(
  rows: Pick<InteractionRow, 'by' | 'followUpAssignee' | 'contacts' | 'event' | 'partner'>[],
  withPartners = true,
): Promise<RowNames> {
  const userIds = new Set<string>();
  const contactIds = new Set<string>();
  const eventIds = new Set<string>();
  for (const r of rows) {
    userIds.add(String(r.by));
    if (r.followUpAssignee) userIds.add(String(r.followUpAssignee));
    for (const c of r.contacts ?? []) contactIds.add(String(c));
    if (r.event) eventIds.add(String(r.event));
  }
  const $in = (ids: Set<string>) => trusted({ $in: [...ids].map(oid) });
  const [users, contacts, events, partners] = await Promise.all([
    userIds.size ? UserModel.find({ _id: $in(userIds) }, { name: 1, disabledAt: 1 }).lean() : [],
    contactIds.size
      ? ContactModel.find({ _id: $in(contactIds) }, { name: 1, nameLocal: 1, archivedAt: 1 }).lean()
      : [],
    eventIds.size ? EventModel.find({ _id: $in(eventIds) }, { name: 1 }).lean() : [],
    withPartners ? partnerNames(rows.map((r) => r.partner)) : new Map(),
  ]);
  const byId = <T extends { _id: Types.ObjectId }>(list: T[]) => new Map(list.map((x) => [String(x._id), x]));
  return { users: byId(users), contacts: byId(contacts), events: byId(events), partners };
}

export interface FormChoices {
  contacts: ContactOption[];
  events: { _id: Types.ObjectId; name: string; startsAt?: Date }[];
  assignees: { _id: Types.ObjectId; name: string }[];
}

/**
 * Pickers of the log/edit form: the partner's live contacts, recent events and possible
 * assignees, plus whatever the interaction being edited already points at.
 */
export async function formChoices(partnerId: Id, existing?: Interaction): Promise<FormChoices> {
  const [contacts, events, assignees] = await Promise.all([
    contactsOfPartner(partnerId),
    recentEvents(),
    assigneeChoices(),
  ]);
  if (existing) {
    const missingContacts = existing.contacts.filter((c) => !contacts.some((o) => o._id.equals(c)));
    if (missingContacts.length) {
      const extra = await ContactModel.find(
        { _id: trusted({ $in: missingContacts }) },
        { name: 1, nameLocal: 1, title: 1, primary: 1 },
      ).lean<ContactOption[]>();
      contacts.push(...extra);
    }
    if (existing.event && !events.some((e) => e._id.equals(existing.event!))) {
      const ev = await EventModel.findById(existing.event, { name: 1, startsAt: 1 }).lean();
      if (ev) events.push(ev);
    }
    if (existing.followUpAssignee && !assignees.some((a) => a._id.equals(existing.followUpAssignee!))) {
      const u = await UserModel.findById(existing.followUpAssignee, { name: 1 }).lean();
      if (u) assignees.push({ _id: u._id, name: u.name });
    }
  }
  return { contacts, events, assignees };
}

export type FollowUpState = 'done' | 'overdue' | 'today' | 'upcoming' | null;

/** A row's follow-up state by the viewer's calendar days (overdue: due before today). */
export function followUpStateFn(
  timeZone: string,
  now = new Date(),
): (row: Pick<InteractionRow, 'followUpAt' | 'followUpDone'>) => FollowUpState {
  const today = toLocalDay(now, timeZone);
  return (row) => {
    if (!row.followUpAt) return null;
    if (row.followUpDone) return 'done';
    const due = toLocalDay(row.followUpAt, timeZone);
    return due < today ? 'overdue' : due === today ? 'today' : 'upcoming';
  };
}

/** Form values of a new interaction: now in the user's zone, follow-up assigned to them. */
export function newFormValues(
  user: Express.User,
  timeZone: string,
  now = new Date(),
): Record<string, unknown> {
  return {
    kind: 'meeting',
    occurredAt: toLocalDateTimeInput(now, timeZone),
    contacts: [],
    summary: '',
    event: '',
    followUpAt: '',
    followUpAssignee: user._id.toHexString(),
  };
}

/** Form values showing a stored interaction in the user's zone. */
export function editFormValues(
  doc: Interaction,
  user: Express.User,
  timeZone: string,
): Record<string, unknown> {
  return {
    kind: doc.kind,
    occurredAt: toLocalDateTimeInput(doc.occurredAt, timeZone),
    contacts: doc.contacts.map(String),
    summary: doc.summary,
    event: doc.event ? String(doc.event) : '',
    followUpAt: doc.followUpAt ? toLocalDay(doc.followUpAt, timeZone) : '',
    followUpAssignee: String(doc.followUpAssignee ?? user._id),
  };
}

/**
 * Moves a merged-away partner's interactions (deleted ones too: nothing is lost) to the survivor,
 * with the survivor's type and country, then recomputes both partners' last interaction.
 */
export async function moveInteractions(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const target = await findPartner(to);
  const res = await InteractionModel.updateMany(
    { partner: from },
    { $set: { partner: target._id, partnerType: target.type, partnerCountry: target.country } },
  );
  // The merge may have given the survivor the other partner's type or country.
  await syncPartnerFacts(target);
  await refreshLastInteraction(from);
  await refreshLastInteraction(to);
  if (res.modifiedCount) {
    await recordAudit(ctx, {
      action: 'interaction.move',
      entity: 'interaction',
      entityId: null,
      meta: { from: from.toHexString(), to: to.toHexString(), count: res.modifiedCount },
    });
  }
  return res.modifiedCount;
}

/** Keeps the copied partner type and country right when a partner changes. */
export async function syncPartnerFacts(partner: Pick<Partner, '_id' | 'type' | 'country'>): Promise<void> {
  await InteractionModel.updateMany(
    {
      partner: partner._id,
      $or: [
        { partnerType: trusted({ $ne: partner.type }) },
        { partnerCountry: trusted({ $ne: partner.country }) },
      ],
    },
    { $set: { partnerType: partner.type, partnerCountry: partner.country } },
  );
}
