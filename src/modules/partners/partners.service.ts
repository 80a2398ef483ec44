import { Types } from 'mongoose';
import { allOf, objectIds, trusted } from '../../lib/db/index.js';
import { decodeCursor, encodeCursor, type Page } from '../../lib/cursor.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { can, canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { UserModel } from '../users/index.js';
import { nameKey, queryTokens, tagKey, websiteHost } from './normalise.js';
import { findPartnersByKeys } from './partner-keys.js';
import { notifyPartnerUpdated } from './partner-extensions.js';
import { derivePartnerKeys, PartnerModel, type Partner } from './partner.model.js';
import type { PartnerInput, PartnerListFilter, PartnerSort } from './partners.schemas.js';

export const PARTNER_PAGE_SIZE = 50;
export const COUNT_LIMIT = 10_000;

/** Fields users edit; audited with before/after. */
export const EDITABLE = [
  'name',
  'nameLocal',
  'type',
  'country',
  'city',
  'website',
  'email',
  'phone',
  'allianceStatus',
  'tags',
  'owner',
] as const;

/** What list pages need of a partner (lean, no derived keys). */
export const LIST_FIELDS = {
  name: 1,
  nameLocal: 1,
  type: 1,
  country: 1,
  city: 1,
  allianceStatus: 1,
  tags: 1,
  owner: 1,
  lastInteractionAt: 1,
  archivedAt: 1,
  createdAt: 1,
  sortName: 1,
  lastInteractionSort: 1,
} as const;

export type PartnerRow = Pick<
  Partner,
  | '_id'
  | 'name'
  | 'nameLocal'
  | 'type'
  | 'country'
  | 'city'
  | 'allianceStatus'
  | 'tags'
  | 'owner'
  | 'lastInteractionAt'
  | 'archivedAt'
  | 'createdAt'
  | 'sortName'
  | 'lastInteractionSort'
>;

export async function findPartner(id: string | Types.ObjectId): Promise<Partner> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const partner = await PartnerModel.findById(id).lean<Partner>();
  if (!partner) throw new NotFoundError();
  return partner;
}

/** A live (not archived) partner, for anything that links to one. */
export async function findLivePartner(id: string | Types.ObjectId): Promise<Partner> {
  const partner = await findPartner(id);
  if (partner.archivedAt) throw new NotFoundError();
  return partner;
}

export function canEditPartner(user: Express.User | undefined, partner: Pick<Partner, 'owner'>): boolean {
  return canOnRecord(user, 'partners.update', partner.owner);
}

export function assertCanEdit(user: Express.User | undefined, partner: Pick<Partner, 'owner'>): void {
  if (!canEditPartner(user, partner)) throw new ForbiddenError();
}

const DUPLICATES_SHOWN = 10;

/** Likely duplicates: same normalised name or same website host (archived ones included), live ones first. */
export async function findDuplicates(
  input: { name: string; website?: string | null },
  excludeId?: Types.ObjectId | string,
): Promise<Pick<Partner, '_id' | 'name' | 'nameLocal' | 'country' | 'archivedAt' | 'websiteHost'>[]> {
  const host = websiteHost(input.website);
  const found = await findPartnersByKeys<
    Pick<Partner, '_id' | 'name' | 'nameLocal' | 'country' | 'archivedAt' | 'websiteHost'>
  >([nameKey(input.name)], host ? [host] : [], { name: 1, nameLocal: 1, country: 1, archivedAt: 1 });
  return found
    .filter((p) => !excludeId || String(p._id) !== String(excludeId))
    .sort((a, b) => Number(!!a.archivedAt) - Number(!!b.archivedAt) || a.name.localeCompare(b.name))
    .slice(0, DUPLICATES_SHOWN);
}

async function assertActiveOwner(owner: string | null): Promise<Types.ObjectId | null> {
  if (!owner) return null;
  const exists = await UserModel.exists({ _id: new Types.ObjectId(owner), disabledAt: null });
  if (!exists) throw new ValidationError({ owner: 'validation.objectId' });
  return new Types.ObjectId(owner);
}

function toDoc(input: PartnerInput, owner: Types.ObjectId | null, lastInteractionAt: Date | null) {
  const { confirmDuplicate: _c, owner: _o, ...fields } = input;
  return { ...fields, owner, ...derivePartnerKeys({ ...fields, lastInteractionAt }) };
}

async function guardDuplicates(input: PartnerInput, excludeId?: Types.ObjectId): Promise<void> {
  if (input.confirmDuplicate === '1') return;
  const duplicates = await findDuplicates(input, excludeId);
  if (duplicates.length) {
    throw new ConflictError('partners.duplicateWarning', {
      duplicates: duplicates.map((d) => ({ ...d, _id: d._id.toHexString() })),
    });
  }
}

export async function createPartner(
  input: PartnerInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Partner> {
  // Coordinators own what they create; managers and admins may assign anyone.
  const owner = can(user, 'partners.update') ? await assertActiveOwner(input.owner) : user._id;
  await guardDuplicates(input);
  const created = await PartnerModel.create({ ...toDoc(input, owner, null), createdBy: user._id });
  const partner = created.toObject() as Partner;
  await recordAudit(ctx, {
    action: 'partner.create',
    entity: 'partner',
    entityId: partner._id,
    changes: diffFields(null, partner, EDITABLE),
  });
  return partner;
}

export async function updatePartner(
  id: string,
  input: PartnerInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Partner> {
  const before = await findPartner(id);
  assertCanEdit(user, before);
  if (before.mergedInto) throw new ConflictError('partners.mergedAway');
  const owner = can(user, 'partners.update') ? await assertActiveOwner(input.owner) : (before.owner ?? null);
  await guardDuplicates(input, before._id);
  await PartnerModel.updateOne(
    { _id: before._id },
    { $set: toDoc(input, owner, before.lastInteractionAt ?? null) },
  );
  const after = await findPartner(id);
  const changes = diffFields(before, after, EDITABLE);
  if (changes.length) {
    await recordAudit(ctx, { action: 'partner.update', entity: 'partner', entityId: id, changes });
    await notifyPartnerUpdated(after);
  }
  return after;
}

export async function setArchived(
  id: string,
  archived: boolean,
  user: Express.User,
  ctx: AuditContext,
): Promise<Partner> {
  const before = await findPartner(id);
  if (!canOnRecord(user, 'partners.archive', before.owner)) throw new ForbiddenError();
  if (!archived && before.mergedInto) throw new ConflictError('partners.mergedAway');
  if (Boolean(before.archivedAt) === archived) return before;
  await PartnerModel.updateOne({ _id: before._id }, { $set: { archivedAt: archived ? new Date() : null } });
  const after = await findPartner(id);
  await recordAudit(ctx, {
    action: archived ? 'partner.archive' : 'partner.unarchive',
    entity: 'partner',
    entityId: id,
    changes: diffFields(before, after, ['archivedAt']),
  });
  return after;
}

/**
 * Keeps lastInteractionAt (and its sort key) right; the interactions feature calls this with
 * the newest remaining interaction's time after every create, edit and delete.
 */
export async function setLastInteraction(partnerId: Types.ObjectId | string, at: Date | null): Promise<void> {
  await PartnerModel.updateOne(
    { _id: new Types.ObjectId(String(partnerId)) },
    { $set: { lastInteractionAt: at, lastInteractionSort: at ?? new Date(0) } },
  );
}

/** id → {name, nameLocal, country} for rows that show partner names (one query, no N+1). */
export async function partnerNames(
  ids: (Types.ObjectId | string)[],
): Promise<Map<string, Pick<Partner, '_id' | 'name' | 'nameLocal' | 'country' | 'type' | 'archivedAt'>>> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const rows = await PartnerModel.find(
    { _id: trusted({ $in: unique }) },
    { name: 1, nameLocal: 1, country: 1, type: 1, archivedAt: 1 },
  ).lean();
  return new Map(rows.map((r) => [r._id.toHexString(), r]));
}

/** Live partners matching a name search, for pickers (events, agreements, cases). */
export async function searchPartners(q: string, limit = 20): Promise<PartnerRow[]> {
  const filter = {
    q,
    type: '',
    country: '',
    status: '',
    owner: '',
    tag: '',
    archived: 'no',
    sort: 'name',
  } as const;
  const query = await buildPartnerQuery(filter, undefined);
  if (!query) return [];
  return PartnerModel.find(query, LIST_FIELDS)
    .sort({ sortName: 1, _id: 1 })
    .limit(limit)
    .lean<PartnerRow[]>();
}

interface SortSpec {
  field: 'sortName' | 'lastInteractionSort' | 'createdAt';
  dir: 1 | -1;
  value(row: PartnerRow): string | number;
  parse(v: string | number | null): string | Date;
}

const SORTS: Record<PartnerSort, SortSpec> = {
  name: { field: 'sortName', dir: 1, value: (r) => r.sortName, parse: (v) => String(v ?? '') },
  lastInteraction: {
    field: 'lastInteractionSort',
    dir: -1,
    value: (r) => r.lastInteractionSort.getTime(),
    parse: (v) => new Date(Number(v ?? 0)),
  },
  created: {
    field: 'createdAt',
    dir: -1,
    value: (r) => r.createdAt.getTime(),
    parse: (v) => new Date(Number(v ?? 0)),
  },
};

/**
 * The Mongo filter for a list view (also used by the export, so both show the same rows).
 * Returns null when the search has nothing to match (punctuation only).
 */
export async function buildPartnerQuery(
  filter: PartnerListFilter | Omit<PartnerListFilter, 'after'>,
  user: Express.User | undefined,
): Promise<Record<string, unknown> | null> {
  const and: Record<string, unknown>[] = [];
  if (filter.archived === 'no') and.push({ archivedAt: null });
  if (filter.archived === 'yes') and.push({ archivedAt: trusted({ $ne: null }) });
  if (filter.type) and.push({ type: filter.type });
  if (filter.country) and.push({ country: filter.country });
  if (filter.status) and.push({ allianceStatus: filter.status });
  if (filter.owner === 'mine') and.push({ owner: user?._id ?? null });
  else if (filter.owner === 'none') and.push({ owner: null });
  else if (filter.owner) and.push({ owner: new Types.ObjectId(filter.owner) });
  if (filter.tag) and.push({ tagKeys: tagKey(filter.tag) });
  if (filter.q) {
    const tokens = queryTokens(filter.q);
    if (!tokens.length) return null;
    and.push({ searchTokens: trusted({ $all: tokens }) });
  }
  return allOf(and);
}

export interface PartnerListPage extends Page<PartnerRow> {
  total: number;
  totalCapped: boolean;
}

/** One page of the list, keyset-paginated on (sort key, _id), plus a capped count. */
export async function listPartners(
  filter: PartnerListFilter,
  user: Express.User | undefined,
  limit = PARTNER_PAGE_SIZE,
): Promise<PartnerListPage> {
  const base = await buildPartnerQuery(filter, user);
  if (!base) return { rows: [], next: undefined, total: 0, totalCapped: false };
  const sort = SORTS[filter.sort];
  const cursor = decodeCursor(filter.after);
  let query = base;
  if (cursor) {
    const v = sort.parse(cursor.v);
    const id = new Types.ObjectId(cursor.id);
    const beyond = sort.dir === 1 ? '$gt' : '$lt';
    query = allOf([
      base,
      {
        $or: [
          { [sort.field]: trusted({ [beyond]: v }) },
          { [sort.field]: v, _id: trusted({ [beyond]: id }) },
        ],
      },
    ]);
  }
  const [rows, total] = await Promise.all([
    PartnerModel.find(query, LIST_FIELDS)
      .sort({ [sort.field]: sort.dir, _id: sort.dir })
      .limit(limit + 1)
      .lean<PartnerRow[]>(),
    PartnerModel.countDocuments(base, { limit: COUNT_LIMIT + 1 }),
  ]);
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows.at(-1);
  return {
    rows: pageRows,
    next: hasMore && last ? encodeCursor({ v: sort.value(last), id: last._id.toHexString() }) : undefined,
    total: Math.min(total, COUNT_LIMIT),
    totalCapped: total > COUNT_LIMIT,
  };
}

/** Owner reassignment and tagging of many partners from the list (managers and admins). */
export async function bulkUpdate(
  ids: string[],
  change: { owner?: string | null; addTag?: string },
  user: Express.User,
  ctx: AuditContext,
): Promise<number> {
  if (!can(user, 'partners.bulk')) throw new ForbiddenError();
  const owner = change.owner !== undefined ? await assertActiveOwner(change.owner) : undefined;
  const partners = await PartnerModel.find(
    { _id: trusted({ $in: ids.map((id) => new Types.ObjectId(id)) }), archivedAt: null },
    { owner: 1, tags: 1, name: 1, nameLocal: 1, website: 1, lastInteractionAt: 1 },
  ).lean<Partner[]>();
  let changed = 0;
  for (const p of partners) {
    const set: Record<string, unknown> = {};
    if (owner !== undefined && String(p.owner ?? '') !== String(owner ?? '')) set.owner = owner;
    if (change.addTag && !p.tags.some((t) => tagKey(t) === tagKey(change.addTag!))) {
      const tags = [...p.tags, change.addTag];
      set.tags = tags;
      Object.assign(set, derivePartnerKeys({ ...p, tags }));
    }
    if (!Object.keys(set).length) continue;
    await PartnerModel.updateOne({ _id: p._id }, { $set: set });
    await recordAudit(ctx, {
      action: 'partner.update',
      entity: 'partner',
      entityId: p._id,
      changes: diffFields(p, { ...p, ...set }, ['owner', 'tags']),
      meta: { bulk: true },
    });
    changed += 1;
  }
  return changed;
}

/** Changes one partner's owner (managers and admins). */
export async function reassignOwner(
  id: string,
  owner: string | null,
  user: Express.User,
  ctx: AuditContext,
): Promise<Partner> {
  const partner = await findLivePartner(id);
  await bulkUpdate([partner._id.toHexString()], { owner }, user, ctx);
  return findPartner(id);
}
