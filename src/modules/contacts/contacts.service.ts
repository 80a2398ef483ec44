import { Types } from 'mongoose';
import { allOf, objectIds, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext, type Change } from '../audit/index.js';
import {
  findLivePartner,
  findPartner,
  partnerNames,
  queryTokens,
  searchTokens,
  type Partner,
} from '../partners/index.js';
import { ContactModel, type Contact } from './contact.model.js';
import type { ContactInput, ContactListFilter } from './contacts.schemas.js';

export const CONTACT_PAGE_SIZE = 50;
/** Contacts shown in the partner page's section; the rest are one click away in the list. */
export const SECTION_LIMIT = 100;

/** Fields users edit; audited with before/after. */
export const EDITABLE = [
  'name',
  'nameLocal',
  'title',
  'email',
  'phone',
  'wechat',
  'line',
  'whatsapp',
  'languages',
] as const;
const AUDITED = [...EDITABLE, 'partner', 'primary'] as const;

export type ContactRow = Pick<
  Contact,
  | '_id'
  | 'partner'
  | 'name'
  | 'nameLocal'
  | 'title'
  | 'email'
  | 'phone'
  | 'wechat'
  | 'line'
  | 'whatsapp'
  | 'languages'
  | 'primary'
  | 'sortName'
>;

const ROW_FIELDS = {
  partner: 1,
  name: 1,
  nameLocal: 1,
  title: 1,
  email: 1,
  phone: 1,
  wechat: 1,
  line: 1,
  whatsapp: 1,
  languages: 1,
  primary: 1,
  sortName: 1,
} as const;

export function deriveContactKeys(c: {
  name: string;
  nameLocal?: string | null;
  email?: string | null;
  title?: string | null;
}): Pick<Contact, 'sortName' | 'searchTokens'> {
  return {
    sortName: c.name.normalize('NFKC').toLowerCase(),
    searchTokens: searchTokens([c.name, c.nameLocal, c.email, c.title]),
  };
}

/** Managers and admins edit any partner's contacts; coordinators those of partners they own. */
export function canWriteContacts(
  user: Express.User | undefined | null,
  partner: Pick<Partner, 'owner' | 'archivedAt'>,
): boolean {
  return !partner.archivedAt && canOnRecord(user, 'contacts.write', partner.owner);
}

function oid(id: Types.ObjectId | string): Types.ObjectId {
  return new Types.ObjectId(String(id));
}

/** The live partner whose contacts the user may change, or NotFound/Forbidden. */
export async function writablePartner(
  partnerId: Types.ObjectId | string,
  user: Express.User,
): Promise<Partner> {
  const partner = await findLivePartner(partnerId);
  if (!canWriteContacts(user, partner)) throw new ForbiddenError();
  return partner;
}

/** A contact that is not archived (archived contacts are gone for every page: 404). */
export async function findLiveContact(id: Types.ObjectId | string): Promise<Contact> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const contact = await ContactModel.findOne({ _id: oid(id), archivedAt: null }).lean<Contact>();
  if (!contact) throw new NotFoundError();
  return contact;
}

/** A contact and its partner for the contact page. */
export async function showContact(
  id: string,
  user: Express.User,
): Promise<{ contact: Contact; partner: Partner; canWrite: boolean }> {
  const contact = await findLiveContact(id);
  const partner = await findPartner(contact.partner);
  return { contact, partner, canWrite: canWriteContacts(user, partner) };
}

/** A contact and its partner for the edit form (403 for those who may not change it). */
export async function contactForEdit(
  id: string,
  user: Express.User,
): Promise<{ contact: Contact; partner: Partner }> {
  const contact = await findLiveContact(id);
  const partner = await writablePartner(contact.partner, user);
  return { contact, partner };
}

/** Other live contacts with the same e-mail: a person is probably being entered twice. */
export async function findEmailDuplicates(
  email: string,
  excludeId?: Types.ObjectId,
): Promise<
  { _id: string; name: string; nameLocal: string | null; partner: { _id: string; name: string } }[]
> {
  const query: Record<string, unknown> = { email, archivedAt: null };
  if (excludeId) query._id = trusted({ $ne: excludeId });
  const rows = await ContactModel.find(query, { name: 1, nameLocal: 1, partner: 1 })
    .sort({ sortName: 1, _id: 1 })
    .limit(10)
    .lean<Pick<Contact, '_id' | 'name' | 'nameLocal' | 'partner'>[]>();
  const names = await partnerNames(rows.map((r) => r.partner));
  return rows.map((r) => ({
    _id: r._id.toHexString(),
    name: r.name,
    nameLocal: r.nameLocal ?? null,
    partner: { _id: r.partner.toHexString(), name: names.get(r.partner.toHexString())?.name ?? '' },
  }));
}

async function guardDuplicateEmail(input: ContactInput, excludeId?: Types.ObjectId): Promise<void> {
  if (!input.email || input.confirmDuplicate === '1') return;
  const duplicates = await findEmailDuplicates(input.email, excludeId);
  if (duplicates.length) throw new ConflictError('contacts.duplicateEmail', { duplicates });
}

function fieldsOf(input: ContactInput) {
  const fields = {
    name: input.name,
    nameLocal: input.nameLocal,
    title: input.title,
    email: input.email,
    phone: input.phone,
    wechat: input.wechat,
    line: input.line,
    whatsapp: input.whatsapp,
    languages: input.languages,
  };
  return { ...fields, ...deriveContactKeys(fields) };
}

async function auditPrimary(
  ctx: AuditContext,
  id: Types.ObjectId,
  before: boolean,
  after: boolean,
  meta: Record<string, unknown> | null = null,
): Promise<void> {
  await recordAudit(ctx, {
    action: 'contact.primary',
    entity: 'contact',
    entityId: id,
    changes: [{ field: 'primary', before, after }],
    meta,
  });
}

/** Makes one live contact the partner's primary and clears the flag on every other one. */
async function assignPrimary(
  partnerId: Types.ObjectId,
  contactId: Types.ObjectId,
  ctx: AuditContext,
  meta: Record<string, unknown> | null = null,
): Promise<void> {
  const others = await ContactModel.find(
    { partner: partnerId, primary: true, _id: trusted({ $ne: contactId }) },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  const res = await ContactModel.updateOne(
    { _id: contactId, archivedAt: null, primary: false },
    { $set: { primary: true } },
  );
  if (res.modifiedCount) await auditPrimary(ctx, contactId, false, true, meta);
  if (others.length) {
    await ContactModel.updateMany(
      { _id: trusted({ $in: others.map((o) => o._id) }) },
      { $set: { primary: false } },
    );
    for (const o of others)
      await auditPrimary(ctx, o._id, true, false, { replacedBy: contactId.toHexString() });
  }
}

/**
 * Restores "exactly one primary among live contacts" after a change (two people making
 * different contacts primary at once can leave none or two). The preferred contact wins a
 * tie; without one, the contact first by name becomes primary.
 */
export async function settlePrimary(
  partnerId: Types.ObjectId,
  ctx: AuditContext,
  prefer?: Types.ObjectId,
): Promise<void> {
  const primaries = await ContactModel.find(
    { partner: partnerId, archivedAt: null, primary: true },
    { _id: 1 },
  )
    .sort({ updatedAt: -1, _id: -1 })
    .lean<{ _id: Types.ObjectId }[]>();
  if (primaries.length === 1) return;
  if (primaries.length > 1) {
    const keep = primaries.find((p) => prefer && p._id.equals(prefer)) ?? primaries[0]!;
    await assignPrimary(partnerId, keep._id, ctx);
    return;
  }
  const next = await ContactModel.findOne({ partner: partnerId, archivedAt: null }, { _id: 1 })
    .sort({ sortName: 1, _id: 1 })
    .lean<{ _id: Types.ObjectId }>();
  if (next) await assignPrimary(partnerId, next._id, ctx, { reason: 'promoted' });
}

export async function createContact(
  partnerId: string,
  input: ContactInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Contact> {
  const partner = await writablePartner(partnerId, user);
  await guardDuplicateEmail(input);
  // The first contact of a partner becomes its primary contact.
  const hasPrimary = await ContactModel.exists({ partner: partner._id, archivedAt: null, primary: true });
  const primary = input.primary || !hasPrimary;
  const created = await ContactModel.create({
    ...fieldsOf(input),
    partner: partner._id,
    partnerCountry: partner.country,
    primary,
    createdBy: user._id,
  });
  const contact = created.toObject() as Contact;
  await recordAudit(ctx, {
    action: 'contact.create',
    entity: 'contact',
    entityId: contact._id,
    changes: diffFields(null, contact, AUDITED),
  });
  if (primary && hasPrimary) await assignPrimary(partner._id, contact._id, ctx);
  await settlePrimary(partner._id, ctx, primary ? contact._id : undefined);
  return findLiveContact(contact._id);
}

export async function updateContact(
  id: string,
  input: ContactInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Contact> {
  const before = await findLiveContact(id);
  const partner = await writablePartner(before.partner, user);
  // Warn when the e-mail changes to one another contact has; an unchanged e-mail was settled before.
  if (input.email !== (before.email ?? null)) await guardDuplicateEmail(input, before._id);
  await ContactModel.updateOne({ _id: before._id }, { $set: fieldsOf(input) });
  const after = await findLiveContact(id);
  const changes = diffFields(before, after, EDITABLE);
  if (changes.length) {
    await recordAudit(ctx, { action: 'contact.update', entity: 'contact', entityId: before._id, changes });
  }
  if (input.primary && !before.primary) {
    await assignPrimary(partner._id, before._id, ctx);
    await settlePrimary(partner._id, ctx, before._id);
  }
  return findLiveContact(id);
}

export async function makePrimary(id: string, user: Express.User, ctx: AuditContext): Promise<Contact> {
  const contact = await findLiveContact(id);
  const partner = await writablePartner(contact.partner, user);
  if (!contact.primary) await assignPrimary(partner._id, contact._id, ctx);
  await settlePrimary(partner._id, ctx, contact._id);
  return findLiveContact(id);
}

/** Soft delete: the contact leaves lists and pages; a primary hands over to the next by name. */
export async function archiveContact(id: string, user: Express.User, ctx: AuditContext): Promise<Contact> {
  const before = await findLiveContact(id);
  const partner = await writablePartner(before.partner, user);
  const archivedAt = new Date();
  await ContactModel.updateOne({ _id: before._id }, { $set: { archivedAt, primary: false } });
  await recordAudit(ctx, {
    action: 'contact.archive',
    entity: 'contact',
    entityId: before._id,
    changes: diffFields(before, { ...before, archivedAt, primary: false }, ['archivedAt', 'primary']),
  });
  await settlePrimary(partner._id, ctx);
  return { ...before, archivedAt, primary: false };
}

/** The list's filter; null when the search text has nothing searchable (punctuation only). */
export function buildContactQuery(filter: Omit<ContactListFilter, 'after'>): Record<string, unknown> | null {
  const and: Record<string, unknown>[] = [{ archivedAt: null }];
  if (filter.partner) and.push({ partner: oid(filter.partner) });
  if (filter.country) and.push({ partnerCountry: filter.country });
  if (filter.language) and.push({ languages: filter.language });
  if (filter.q) {
    const tokens = queryTokens(filter.q);
    if (!tokens.length) return null;
    and.push({ searchTokens: trusted({ $all: tokens }) });
  }
  return allOf(and);
}

/** One page of live contacts by name, keyset-paginated on (sortName, _id). */
export async function listContacts(
  filter: ContactListFilter,
  limit = CONTACT_PAGE_SIZE,
): Promise<Page<ContactRow>> {
  const base = buildContactQuery(filter);
  if (!base) return { rows: [], next: undefined };
  const cursor = decodeCursor(filter.after);
  let query = base;
  if (cursor) {
    const name = String(cursor.v ?? '');
    const id = oid(cursor.id);
    query = allOf([
      base,
      { $or: [{ sortName: trusted({ $gt: name }) }, { sortName: name, _id: trusted({ $gt: id }) }] },
    ]);
  }
  const rows = await ContactModel.find(query, ROW_FIELDS)
    .sort({ sortName: 1, _id: 1 })
    .limit(limit + 1)
    .lean<ContactRow[]>();
  return toPage(rows, limit, (r) => r.sortName);
}

/** The partner page's contacts block: primary first, then by name. */
export async function partnerSectionContacts(
  partner: Pick<Partner, '_id' | 'owner' | 'archivedAt'>,
  user: Express.User,
): Promise<{ contacts: ContactRow[]; total: number; canWriteContacts: boolean }> {
  const filter = { partner: partner._id, archivedAt: null };
  const [contacts, total] = await Promise.all([
    ContactModel.find(filter, ROW_FIELDS)
      .sort({ primary: -1, sortName: 1, _id: 1 })
      .limit(SECTION_LIMIT)
      .lean<ContactRow[]>(),
    ContactModel.countDocuments(filter),
  ]);
  return { contacts, total, canWriteContacts: canWriteContacts(user, partner) };
}

/**
 * Merge: every contact of `from` (archived ones too) moves to `to`. The survivor keeps its
 * primary contact; when it has none, the moved primary (if any) becomes the survivor's.
 */
export async function moveContacts(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const survivor = await findPartner(to);
  const moving = await ContactModel.find({ partner: from }, { _id: 1, primary: 1 }).lean<
    { _id: Types.ObjectId; primary: boolean }[]
  >();
  if (!moving.length) return 0;
  const survivorHasPrimary = await ContactModel.exists({ partner: to, archivedAt: null, primary: true });
  const ids = moving.map((c) => c._id);
  await ContactModel.updateMany(
    { _id: trusted({ $in: ids }) },
    {
      $set: {
        partner: to,
        partnerCountry: survivor.country,
        ...(survivorHasPrimary ? { primary: false } : {}),
      },
    },
  );
  for (const c of moving) {
    const changes: Change[] = [{ field: 'partner', before: from.toHexString(), after: to.toHexString() }];
    if (survivorHasPrimary && c.primary) changes.push({ field: 'primary', before: true, after: false });
    await recordAudit(ctx, {
      action: 'contact.move',
      entity: 'contact',
      entityId: c._id,
      changes,
      meta: { reason: 'partner.merge' },
    });
  }
  // The survivor's own contacts follow a country the merge may have changed.
  await ContactModel.updateMany(
    { partner: to, partnerCountry: trusted({ $ne: survivor.country }) },
    { $set: { partnerCountry: survivor.country } },
  );
  await settlePrimary(to, ctx);
  return moving.length;
}

/** Keeps the copied partner country current when a partner is edited. */
export async function syncPartnerCountry(partner: Pick<Partner, '_id' | 'country'>): Promise<void> {
  await ContactModel.updateMany(
    { partner: partner._id, partnerCountry: trusted({ $ne: partner.country }) },
    { $set: { partnerCountry: partner.country } },
  );
}

export type ContactName = Pick<
  Contact,
  '_id' | 'name' | 'nameLocal' | 'title' | 'partner' | 'primary' | 'archivedAt'
>;

/** id → name and partner for rows that show contact names (one query, no N+1). */
export async function contactNames(ids: (Types.ObjectId | string)[]): Promise<Map<string, ContactName>> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const rows = await ContactModel.find(
    { _id: trusted({ $in: unique }) },
    { name: 1, nameLocal: 1, title: 1, partner: 1, primary: 1, archivedAt: 1 },
  ).lean<ContactName[]>();
  return new Map(rows.map((r) => [r._id.toHexString(), r]));
}
