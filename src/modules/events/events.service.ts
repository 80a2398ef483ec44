import { Types } from 'mongoose';
import { allOf, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { can } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext, type Change } from '../audit/index.js';
import { contactNames, contactsOfPartners, type ContactOption } from '../contacts/index.js';
import {
  PartnerModel,
  partnerNames,
  queryTokens,
  searchPartners,
  searchTokens,
  type Partner,
  type PartnerRow,
} from '../partners/index.js';
import { DAY_MS, parseDay } from './dates.js';
import { eventSections } from './event-extensions.js';
import { EventModel, type CrmEvent } from './event.model.js';
import type { EventInput, EventListFilter } from './events.schemas.js';

export const EVENT_PAGE_SIZE = 50;
/** Partner-page block and pickers: enough for any real event, bounded for the page's sake. */
export const SECTION_LIMIT = 50;
export const CONTACT_CANDIDATES_LIMIT = 300;
export const PARTNER_SEARCH_LIMIT = 20;
/** A partner counts as new for an event when added up to this many days after it ends. */
export const NEW_PARTNER_DAYS = 7;

const EDITABLE = ['name', 'nameLocal', 'startsAt', 'endsAt', 'city', 'country', 'description'] as const;

export type EventRow = Pick<
  CrmEvent,
  | '_id'
  | 'name'
  | 'nameLocal'
  | 'startsAt'
  | 'endsAt'
  | 'lastDay'
  | 'city'
  | 'country'
  | 'partners'
  | 'contacts'
>;

const ROW_FIELDS = {
  name: 1,
  nameLocal: 1,
  startsAt: 1,
  endsAt: 1,
  lastDay: 1,
  city: 1,
  country: 1,
  partners: 1,
  contacts: 1,
} as const;

function oid(id: Types.ObjectId | string): Types.ObjectId {
  return new Types.ObjectId(String(id));
}

function assertCanWrite(user: Express.User): void {
  if (!can(user, 'events.write')) throw new ForbiddenError();
}

/** A live event (archived ones are gone for every page: 404). */
export async function findEvent(id: Types.ObjectId | string): Promise<CrmEvent> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const event = await EventModel.findOne({ _id: oid(id), archivedAt: null }).lean<CrmEvent>();
  if (!event) throw new NotFoundError();
  return event;
}

/** Form input → stored fields with derived keys; rejects an end before the start. */
function toDoc(input: EventInput) {
  const startsAt = parseDay(input.startsAt);
  const endsAt = input.endsAt ? parseDay(input.endsAt) : null;
  if (!startsAt) throw new ValidationError({ startsAt: 'validation.date' });
  if (endsAt && endsAt < startsAt) throw new ValidationError({ endsAt: 'events.endsBeforeStart' });
  return {
    name: input.name,
    nameLocal: input.nameLocal,
    startsAt,
    endsAt,
    city: input.city,
    country: input.country,
    description: input.description,
    lastDay: endsAt ?? startsAt,
    searchTokens: searchTokens([input.name, input.nameLocal, input.city]),
  };
}

export async function createEvent(
  input: EventInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<CrmEvent> {
  assertCanWrite(user);
  const created = await EventModel.create({ ...toDoc(input), createdBy: user._id });
  const event = created.toObject() as CrmEvent;
  await recordAudit(ctx, {
    action: 'event.create',
    entity: 'event',
    entityId: event._id,
    changes: diffFields(null, event, EDITABLE),
  });
  return event;
}

export async function updateEvent(
  id: string,
  input: EventInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<CrmEvent> {
  assertCanWrite(user);
  const before = await findEvent(id);
  await EventModel.updateOne({ _id: before._id }, { $set: toDoc(input) });
  const after = await findEvent(id);
  const changes = diffFields(before, after, EDITABLE);
  if (changes.length)
    await recordAudit(ctx, { action: 'event.update', entity: 'event', entityId: id, changes });
  return after;
}

export async function archiveEvent(id: string, user: Express.User, ctx: AuditContext): Promise<CrmEvent> {
  assertCanWrite(user);
  const before = await findEvent(id);
  const archivedAt = new Date();
  await EventModel.updateOne({ _id: before._id }, { $set: { archivedAt } });
  await recordAudit(ctx, {
    action: 'event.archive',
    entity: 'event',
    entityId: id,
    changes: [{ field: 'archivedAt', before: null, after: archivedAt }],
  });
  return { ...before, archivedAt };
}

/** Attaches live partners; ids that are not live partners reject the whole request. */
export async function attachPartners(
  id: string,
  partnerIds: string[],
  user: Express.User,
  ctx: AuditContext,
): Promise<number> {
  assertCanWrite(user);
  const event = await findEvent(id);
  const live = await PartnerModel.find(
    { _id: trusted({ $in: partnerIds.map(oid) }), archivedAt: null },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  if (live.length !== new Set(partnerIds).size)
    throw new ValidationError({ partnerIds: 'events.partnerGone' });
  const attached = new Set(event.partners.map(String));
  const added = live.map((p) => p._id).filter((p) => !attached.has(p.toHexString()));
  if (!added.length) return 0;
  await EventModel.updateOne({ _id: event._id }, { $addToSet: { partners: { $each: added } } });
  await recordAudit(ctx, {
    action: 'event.partners.add',
    entity: 'event',
    entityId: event._id,
    changes: [{ field: 'partners', before: null, after: added.map((p) => p.toHexString()) }],
  });
  return added.length;
}

/** Detaches a partner and the contacts of it that were met there (contacts met belong to partners met). */
export async function detachPartner(
  id: string,
  partnerId: string,
  user: Express.User,
  ctx: AuditContext,
): Promise<{ contactsRemoved: number }> {
  assertCanWrite(user);
  const event = await findEvent(id);
  const partner = oid(partnerId);
  if (!event.partners.some((p) => p.equals(partner))) throw new NotFoundError();
  const names = await contactNames(event.contacts);
  const contacts = [...names.values()].filter((c) => c.partner.equals(partner)).map((c) => c._id);
  // $pullAll rather than $pull with $in: FerretDB v1 ignores the $in condition inside $pull.
  await EventModel.updateOne(
    { _id: event._id },
    { $pull: { partners: partner }, ...(contacts.length ? { $pullAll: { contacts } } : {}) },
  );
  const changes: Change[] = [{ field: 'partners', before: [partnerId], after: null }];
  if (contacts.length) changes.push({ field: 'contacts', before: contacts.map(String), after: null });
  await recordAudit(ctx, { action: 'event.partners.remove', entity: 'event', entityId: event._id, changes });
  return { contactsRemoved: contacts.length };
}

/** Attaches live contacts of partners attached to the event. */
export async function attachContacts(
  id: string,
  contactIds: string[],
  user: Express.User,
  ctx: AuditContext,
): Promise<number> {
  assertCanWrite(user);
  const event = await findEvent(id);
  const found = await contactNames(contactIds);
  const partners = new Set(event.partners.map(String));
  const eligible = [...found.values()].filter((c) => !c.archivedAt && partners.has(c.partner.toHexString()));
  if (eligible.length !== new Set(contactIds).size)
    throw new ValidationError({ contactIds: 'events.contactNotEligible' });
  const attached = new Set(event.contacts.map(String));
  const added = eligible.map((c) => c._id).filter((c) => !attached.has(c.toHexString()));
  if (!added.length) return 0;
  await EventModel.updateOne({ _id: event._id }, { $addToSet: { contacts: { $each: added } } });
  await recordAudit(ctx, {
    action: 'event.contacts.add',
    entity: 'event',
    entityId: event._id,
    changes: [{ field: 'contacts', before: null, after: added.map((c) => c.toHexString()) }],
  });
  return added.length;
}

export async function detachContact(
  id: string,
  contactId: string,
  user: Express.User,
  ctx: AuditContext,
): Promise<void> {
  assertCanWrite(user);
  const event = await findEvent(id);
  const contact = oid(contactId);
  if (!event.contacts.some((c) => c.equals(contact))) throw new NotFoundError();
  await EventModel.updateOne({ _id: event._id }, { $pull: { contacts: contact } });
  await recordAudit(ctx, {
    action: 'event.contacts.remove',
    entity: 'event',
    entityId: event._id,
    changes: [{ field: 'contacts', before: [contactId], after: null }],
  });
}

/** The list's filter; null when the search text has nothing searchable. */
export function buildEventQuery(
  filter: Omit<EventListFilter, 'after'>,
  todayUtc: Date,
): Record<string, unknown> | null {
  const and: Record<string, unknown>[] = [{ archivedAt: null }];
  if (filter.country) and.push({ country: filter.country });
  if (filter.partner) and.push({ partners: oid(filter.partner) });
  if (filter.year) {
    and.push({
      startsAt: trusted({
        $gte: new Date(Date.UTC(filter.year, 0, 1)),
        $lt: new Date(Date.UTC(filter.year + 1, 0, 1)),
      }),
    });
  }
  if (filter.when === 'upcoming') and.push({ lastDay: trusted({ $gte: todayUtc }) });
  if (filter.when === 'past') and.push({ lastDay: trusted({ $lt: todayUtc }) });
  if (filter.q) {
    const tokens = queryTokens(filter.q);
    if (!tokens.length) return null;
    and.push({ searchTokens: trusted({ $all: tokens }) });
  }
  return allOf(and);
}

/**
 * One page of live events, keyset-paginated on (startsAt, _id): upcoming events soonest
 * first, otherwise newest first.
 */
export async function listEvents(
  filter: EventListFilter,
  todayUtc: Date,
  limit = EVENT_PAGE_SIZE,
): Promise<Page<EventRow>> {
  const base = buildEventQuery(filter, todayUtc);
  if (!base) return { rows: [], next: undefined };
  const dir = filter.when === 'upcoming' ? 1 : -1;
  const beyond = dir === 1 ? '$gt' : '$lt';
  const cursor = decodeCursor(filter.after);
  let query = base;
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = oid(cursor.id);
    query = allOf([
      base,
      { $or: [{ startsAt: trusted({ [beyond]: at }) }, { startsAt: at, _id: trusted({ [beyond]: id }) }] },
    ]);
  }
  const rows = await EventModel.find(query, ROW_FIELDS)
    .sort({ startsAt: dir, _id: dir })
    .limit(limit + 1)
    .lean<EventRow[]>();
  return toPage(rows, limit, (r) => r.startsAt.getTime());
}

/** Years that have events, newest first (the list's year filter). */
export async function eventYears(): Promise<number[]> {
  const [first, last] = await Promise.all([
    EventModel.findOne({ archivedAt: null }, { startsAt: 1 })
      .sort({ startsAt: 1 })
      .lean<{ startsAt: Date }>(),
    EventModel.findOne({ archivedAt: null }, { startsAt: 1 })
      .sort({ startsAt: -1 })
      .lean<{ startsAt: Date }>(),
  ]);
  if (!first || !last) return [];
  const years: number[] = [];
  for (let y = last.startsAt.getUTCFullYear(); y >= first.startsAt.getUTCFullYear(); y -= 1) years.push(y);
  return years;
}

/** The window in which an attached partner counts as new: first day until 7 days after the last. */
export function newPartnerWindow(event: Pick<CrmEvent, 'startsAt' | 'endsAt'>): { from: Date; until: Date } {
  const last = event.endsAt ?? event.startsAt;
  // Until the end of the 7th day after the last day.
  return { from: event.startsAt, until: new Date(last.getTime() + (NEW_PARTNER_DAYS + 1) * DAY_MS) };
}

export type MetPartner = Pick<
  Partner,
  '_id' | 'name' | 'nameLocal' | 'type' | 'country' | 'city' | 'archivedAt' | 'createdAt'
> & { isNew: boolean };

export interface MetContact {
  _id: Types.ObjectId;
  name: string;
  nameLocal: string | null;
  title: string | null;
  archived: boolean;
  partner: { _id: Types.ObjectId; name: string } | null;
}

export interface LoadedSection {
  key: string;
  view: string;
  locals: Record<string, unknown>;
}

export interface EventPage {
  partners: MetPartner[];
  contacts: MetContact[];
  newPartners: MetPartner[];
  window: { from: Date; until: Date };
  sections: LoadedSection[];
  /** Partners found by the page's search box, not yet attached. */
  partnerMatches: PartnerRow[] | null;
  /** Contacts of attached partners, not yet attached (narrowed to one partner by `cp`). */
  contactCandidates: (ContactOption & { partner: Types.ObjectId })[];
  candidatesCapped: boolean;
}

/** Everything "what did this event produce" shows, in a fixed number of queries. */
export async function loadEventPage(
  event: CrmEvent,
  user: Express.User,
  query: { pq: string; cp: string; [key: string]: unknown },
): Promise<EventPage> {
  const writer = can(user, 'events.write');
  const [partnerDocs, contactMap, sections, matches, candidates] = await Promise.all([
    event.partners.length
      ? PartnerModel.find(
          { _id: trusted({ $in: event.partners }) },
          { name: 1, nameLocal: 1, type: 1, country: 1, city: 1, archivedAt: 1, createdAt: 1, sortName: 1 },
        )
          .sort({ sortName: 1, _id: 1 })
          .lean<(Omit<MetPartner, 'isNew'> & { sortName: string })[]>()
      : Promise.resolve([]),
    contactNames(event.contacts),
    Promise.all(
      eventSections().map(async (s) => ({
        key: s.key,
        view: s.view,
        locals: await s.load(event, { user, query }),
      })),
    ),
    writer && query.pq
      ? searchPartners(query.pq, Math.min(PARTNER_SEARCH_LIMIT + event.partners.length, 200))
      : Promise.resolve(null),
    writer && event.partners.length
      ? contactsOfPartners(
          query.cp && event.partners.some((p) => p.equals(query.cp)) ? [query.cp] : event.partners,
          CONTACT_CANDIDATES_LIMIT + event.contacts.length + 1,
        )
      : Promise.resolve([]),
  ]);

  const window = newPartnerWindow(event);
  const partners: MetPartner[] = partnerDocs.map(({ sortName: _s, ...p }) => ({
    ...p,
    isNew: p.createdAt >= window.from && p.createdAt < window.until,
  }));
  const partnerById = new Map(partners.map((p) => [p._id.toHexString(), p]));

  // Contacts whose partner is not among the attached ones (should not happen) still get a name.
  const strays = [...contactMap.values()].filter((c) => !partnerById.has(c.partner.toHexString()));
  const strayNames = strays.length ? await partnerNames(strays.map((c) => c.partner)) : new Map();
  const contacts: MetContact[] = event.contacts
    .map((id) => contactMap.get(id.toHexString()))
    .filter((c): c is NonNullable<typeof c> => c !== undefined)
    .map((c) => {
      const p = partnerById.get(c.partner.toHexString()) ?? strayNames.get(c.partner.toHexString());
      return {
        _id: c._id,
        name: c.name,
        nameLocal: c.nameLocal ?? null,
        title: c.title ?? null,
        archived: Boolean(c.archivedAt),
        partner: p ? { _id: p._id, name: p.name } : null,
      };
    })
    .sort(
      (a, b) => (a.partner?.name ?? '').localeCompare(b.partner?.name ?? '') || a.name.localeCompare(b.name),
    );

  const attachedPartners = new Set(event.partners.map(String));
  const attachedContacts = new Set(event.contacts.map(String));
  // Grouped by partner in the order the page lists partners (by name); Array.sort is stable.
  const partnerOrder = new Map(partners.map((p, i) => [p._id.toHexString(), i]));
  const open = candidates
    .filter((c) => !attachedContacts.has(c._id.toHexString()))
    .sort(
      (a, b) =>
        (partnerOrder.get(a.partner.toHexString()) ?? 0) - (partnerOrder.get(b.partner.toHexString()) ?? 0),
    );
  return {
    partners,
    contacts,
    newPartners: partners.filter((p) => p.isNew),
    window,
    sections: sections.filter((s): s is LoadedSection => s.locals !== null),
    partnerMatches: matches
      ? matches.filter((p) => !attachedPartners.has(p._id.toHexString())).slice(0, PARTNER_SEARCH_LIMIT)
      : null,
    contactCandidates: open.slice(0, CONTACT_CANDIDATES_LIMIT),
    candidatesCapped: open.length > CONTACT_CANDIDATES_LIMIT,
  };
}

export type PartnerEvent = Pick<
  CrmEvent,
  '_id' | 'name' | 'nameLocal' | 'startsAt' | 'endsAt' | 'city' | 'country'
>;

/** The partner page's events block: events the partner attended, newest first. */
export async function partnerSectionEvents(
  partner: Pick<Partner, '_id'>,
): Promise<{ events: PartnerEvent[]; total: number }> {
  const filter = { partners: partner._id, archivedAt: null };
  const [events, total] = await Promise.all([
    EventModel.find(filter, { name: 1, nameLocal: 1, startsAt: 1, endsAt: 1, city: 1, country: 1 })
      .sort({ startsAt: -1, _id: -1 })
      .limit(SECTION_LIMIT)
      .lean<PartnerEvent[]>(),
    EventModel.countDocuments(filter),
  ]);
  return { events, total };
}

/**
 * Merge: events that list `from` list `to` instead, once. Two updates (no arrayFilters on
 * FerretDB); running the move again finishes one that was interrupted.
 */
export async function movePartnerInEvents(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const events = await EventModel.find({ partners: from }, { _id: 1 }).lean<{ _id: Types.ObjectId }[]>();
  if (!events.length) return 0;
  const ids = events.map((e) => e._id);
  await EventModel.updateMany({ _id: trusted({ $in: ids }) }, { $addToSet: { partners: to } });
  await EventModel.updateMany({ _id: trusted({ $in: ids }) }, { $pull: { partners: from } });
  for (const id of ids) {
    await recordAudit(ctx, {
      action: 'event.partners.move',
      entity: 'event',
      entityId: id,
      changes: [{ field: 'partners', before: from.toHexString(), after: to.toHexString() }],
      meta: { reason: 'partner.merge' },
    });
  }
  return ids.length;
}
