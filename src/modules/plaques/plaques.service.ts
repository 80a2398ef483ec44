import { firstTime } from '../../lib/once.js';
import { Types } from 'mongoose';
import { config } from '../../config/index.js';
import { insertWithSequence } from '../../lib/counters.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { allOf, objectIds, trusted } from '../../lib/db/index.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type FieldErrors,
} from '../../lib/errors.js';
import { canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, SYSTEM, type AuditContext } from '../audit/index.js';
import { EventModel, findLiveEvent } from '../events/index.js';
import {
  buildPartnerQuery,
  findPartner,
  PartnerModel,
  partnerNames,
  type Partner,
  type PartnerRow,
} from '../partners/index.js';
import { userNames } from '../users/index.js';
import { parseDay, todayIn } from './dates.js';
import { ELIGIBLE_TYPE, isEligible } from './eligibility.js';
import { PlaqueModel, type Plaque, type PlaqueKind, type PlaqueStatus } from './plaque.model.js';
import type { PlaqueInput, PlaqueListFilter } from './plaques.schemas.js';
import { formatSerial, serialSequenceKey } from './serial.js';

export const PLAQUE_PAGE_SIZE = 50;
/** Plaques shown in a partner's or an event's section; the rest are in the filtered list. */
export const SECTION_LIMIT = 50;
/** How many eligible partners the award form offers per search. */
export const PICKER_LIMIT = 20;

const AUDITED = ['kind', 'serial', 'partner', 'event', 'awardedAt', 'validUntil', 'status', 'notes'] as const;

export type PlaqueRow = Pick<
  Plaque,
  | '_id'
  | 'kind'
  | 'serial'
  | 'partner'
  | 'partnerCountry'
  | 'event'
  | 'awardedAt'
  | 'validUntil'
  | 'status'
  | 'revokedAt'
  | 'awardedBy'
>;

export const PLAQUE_ROW_FIELDS = {
  kind: 1,
  serial: 1,
  partner: 1,
  partnerCountry: 1,
  event: 1,
  awardedAt: 1,
  validUntil: 1,
  status: 1,
  revokedAt: 1,
  awardedBy: 1,
} as const;

function oid(id: Types.ObjectId | string): Types.ObjectId {
  return new Types.ObjectId(String(id));
}

/** The alliance's calendar day: a plaque is valid through its validUntil day there. */
export function allianceToday(now = new Date()): Date {
  return todayIn(config.defaultTimeZone, now);
}

export async function findPlaque(id: Types.ObjectId | string): Promise<Plaque> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const plaque = await PlaqueModel.findById(oid(id)).lean<Plaque>();
  if (!plaque) throw new NotFoundError();
  return plaque;
}

/** Managers and admins revoke any plaque; coordinators those they awarded themselves. */
export function canRevoke(
  user: Express.User | undefined | null,
  plaque: Pick<Plaque, 'status' | 'awardedBy'>,
): boolean {
  return plaque.status !== 'revoked' && canOnRecord(user, 'plaques.revoke', plaque.awardedBy);
}

/** Live partners of the type a kind is for, matching the picker's search, by name. */
export async function eligiblePartners(
  kind: PlaqueKind,
  q: string,
  limit = PICKER_LIMIT,
): Promise<PartnerRow[]> {
  const query = await buildPartnerQuery(
    {
      q,
      type: ELIGIBLE_TYPE[kind],
      country: '',
      status: '',
      owner: '',
      tag: '',
      archived: 'no',
      sort: 'name',
    },
    undefined,
  );
  if (!query) return [];
  return PartnerModel.find(query, { name: 1, nameLocal: 1, country: 1, city: 1, type: 1 })
    .sort({ sortName: 1, _id: 1 })
    .limit(limit)
    .lean<PartnerRow[]>();
}

async function livePartnerOrNull(id: string): Promise<Partner | null> {
  try {
    const partner = await findPartner(id);
    return partner.archivedAt ? null : partner;
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/**
 * Checks what Joi cannot: the partner exists and may receive this kind, the event exists, and
 * the plaque is valid after it is awarded. Every problem is reported at once, by field.
 */
async function checkAward(
  input: PlaqueInput,
): Promise<{ partner: Partner; awardedAt: Date; validUntil: Date }> {
  const errors: FieldErrors = {};
  const partner = await livePartnerOrNull(input.partner);
  if (!partner) errors.partner = 'plaques.errors.partnerUnknown';
  else if (!isEligible(input.kind, partner.type)) errors.partner = `plaques.errors.ineligible.${input.kind}`;
  if (input.event && !(await findLiveEvent(input.event))) errors.event = 'plaques.errors.eventUnknown';
  const awardedAt = parseDay(input.awardedAt);
  const validUntil = parseDay(input.validUntil);
  if (!awardedAt) errors.awardedAt = 'validation.date';
  if (!validUntil) errors.validUntil = 'validation.date';
  if (awardedAt && validUntil && validUntil.getTime() <= awardedAt.getTime())
    errors.validUntil = 'plaques.errors.validBeforeAwarded';
  if (Object.keys(errors).length) throw new ValidationError(errors);
  return { partner: partner!, awardedAt: awardedAt!, validUntil: validUntil! };
}

/**
 * Awards a plaque. The serial's number comes from the kind-and-year sequence; the unique index
 * on `serial` and insertWithSequence's retry make it unique even across instances, and a
 * revoked plaque keeps its serial, so numbers are never handed out twice.
 */
export async function awardPlaque(
  input: PlaqueInput,
  user: Pick<Express.User, '_id'> | null,
  ctx: AuditContext,
  now = new Date(),
): Promise<Plaque> {
  const { partner, awardedAt, validUntil } = await checkAward(input);
  const year = awardedAt.getUTCFullYear();
  // A plaque recorded after its validity ended (a past award being entered) is expired at once.
  const expired = validUntil.getTime() < allianceToday(now).getTime();
  const created = await insertWithSequence(serialSequenceKey(input.kind, year), (seq) =>
    PlaqueModel.create({
      kind: input.kind,
      serial: formatSerial(input.kind, year, seq),
      partner: partner._id,
      partnerCountry: partner.country,
      event: input.event ? oid(input.event) : null,
      awardedAt,
      validUntil,
      year,
      status: expired ? 'expired' : 'active',
      expiredAt: expired ? now : null,
      notes: input.notes,
      awardedBy: user?._id ?? null,
    }),
  );
  const plaque = created.toObject() as Plaque;
  await recordAudit(ctx, {
    action: 'plaque.award',
    entity: 'plaque',
    entityId: plaque._id,
    changes: diffFields(null, plaque, AUDITED),
  });
  return plaque;
}

/** Revokes a plaque with a reason; its serial stays taken. A second revoke is a conflict. */
export async function revokePlaque(
  id: string,
  reason: string,
  user: Express.User,
  ctx: AuditContext,
  now = new Date(),
): Promise<Plaque> {
  const before = await findPlaque(id);
  if (before.status === 'revoked') throw new ConflictError('plaques.errors.alreadyRevoked');
  if (!canRevoke(user, before)) throw new ForbiddenError();
  const res = await PlaqueModel.updateOne(
    { _id: before._id, status: before.status },
    { $set: { status: 'revoked', revokedAt: now, revokedBy: user._id, revokeReason: reason } },
  );
  if (!res.modifiedCount) throw new ConflictError('plaques.errors.alreadyRevoked');
  await recordAudit(ctx, {
    action: 'plaque.revoke',
    entity: 'plaque',
    entityId: before._id,
    changes: [
      { field: 'status', before: before.status, after: 'revoked' },
      { field: 'revokeReason', before: null, after: reason },
    ],
    meta: { serial: before.serial },
  });
  return findPlaque(id);
}

/**
 * Moves active plaques whose last valid day is over to `expired`, audited as the system. Each
 * plaque changes with an update conditioned on it still being active, so a second run (or a
 * second instance) finds nothing left to do.
 */
export async function expirePlaques(now = new Date()): Promise<number> {
  const today = allianceToday(now);
  let expired = 0;
  for (;;) {
    const due = await PlaqueModel.find(
      { status: 'active', validUntil: trusted({ $lt: today }) },
      { _id: 1, serial: 1, validUntil: 1 },
    )
      .limit(500)
      .lean<{ _id: Types.ObjectId; serial: string; validUntil: Date }[]>();
    if (!due.length) break;
    let changed = 0;
    for (const p of due) {
      const res = await PlaqueModel.updateOne(
        { _id: p._id, status: 'active' },
        { $set: { status: 'expired', expiredAt: now } },
      );
      if (!res.modifiedCount) continue;
      // On FerretDB two instances' conditional updates can both report the change (seen in
      // the two-instance reliability test): a unique key decides which one records it.
      const key = `plaque-expire:${p._id.toHexString()}:${p.validUntil.toISOString()}`;
      if (!(await firstTime(key, now))) continue;
      changed += 1;
      await recordAudit(SYSTEM, {
        action: 'plaque.expire',
        entity: 'plaque',
        entityId: p._id,
        changes: [{ field: 'status', before: 'active', after: 'expired' }],
        meta: { serial: p.serial },
      });
    }
    expired += changed;
    if (!changed || due.length < 500) break;
  }
  return expired;
}

export function buildPlaqueQuery(filter: Omit<PlaqueListFilter, 'after'>): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (filter.kind) and.push({ kind: filter.kind });
  if (filter.status) and.push({ status: filter.status });
  if (filter.country) and.push({ partnerCountry: filter.country });
  if (filter.event) and.push({ event: oid(filter.event) });
  if (filter.partner) and.push({ partner: oid(filter.partner) });
  if (filter.year) and.push({ year: filter.year });
  return allOf(and);
}

/** One page of plaques, newest award first, keyset-paginated on (awardedAt, _id). */
export async function listPlaques(
  filter: PlaqueListFilter,
  limit = PLAQUE_PAGE_SIZE,
): Promise<Page<PlaqueRow>> {
  const base = buildPlaqueQuery(filter);
  const cursor = decodeCursor(filter.after);
  let query = base;
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = oid(cursor.id);
    query = allOf([
      base,
      { $or: [{ awardedAt: trusted({ $lt: at }) }, { awardedAt: at, _id: trusted({ $lt: id }) }] },
    ]);
  }
  const rows = await PlaqueModel.find(query, PLAQUE_ROW_FIELDS)
    .sort({ awardedAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<PlaqueRow[]>();
  return toPage(rows, limit, (r) => r.awardedAt.getTime());
}

export type EventName = { _id: Types.ObjectId; name: string; nameLocal?: string | null };

/** id → event name for rows that show events (one query). */
export async function eventNames(
  ids: (Types.ObjectId | string | null | undefined)[],
): Promise<Map<string, EventName>> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const rows = await EventModel.find({ _id: trusted({ $in: unique }) }, { name: 1, nameLocal: 1 }).lean<
    EventName[]
  >();
  return new Map(rows.map((r) => [r._id.toHexString(), r]));
}

/** Partner, event and people names for a set of plaque rows. */
export async function namesFor(rows: Pick<Plaque, 'partner' | 'event' | 'awardedBy'>[]) {
  const [partners, events, users] = await Promise.all([
    partnerNames(rows.map((r) => r.partner)),
    eventNames(rows.map((r) => r.event)),
    userNames(rows.map((r) => r.awardedBy)),
  ]);
  return { partners, events, users };
}

/** Everything the plaque page and the certificate show. */
export async function plaqueDetails(id: string) {
  const plaque = await findPlaque(id);
  const [partner, event, users] = await Promise.all([
    findPartner(plaque.partner),
    plaque.event
      ? EventModel.findById(plaque.event, { name: 1, nameLocal: 1, startsAt: 1, city: 1 }).lean()
      : null,
    userNames([plaque.awardedBy, plaque.revokedBy]),
  ]);
  return { plaque, partner, event, users };
}

export interface PublicPlaque {
  serial: string;
  kind: PlaqueKind;
  status: PlaqueStatus;
  partnerName: string;
  partnerNameLocal: string | null;
  awardedAt: Date;
  validUntil: Date;
}

/**
 * What the public verification page may show: the facts printed on the certificate and its
 * status, nothing else (no reason, notes, people, ids).
 */
export async function verifySerial(serial: string): Promise<PublicPlaque> {
  const plaque = await PlaqueModel.findOne(
    { serial },
    { serial: 1, kind: 1, status: 1, partner: 1, awardedAt: 1, validUntil: 1 },
  ).lean<Pick<Plaque, 'serial' | 'kind' | 'status' | 'partner' | 'awardedAt' | 'validUntil'>>();
  if (!plaque) throw new NotFoundError();
  const partner = (await partnerNames([plaque.partner])).get(plaque.partner.toHexString());
  return {
    serial: plaque.serial,
    kind: plaque.kind,
    status: plaque.status,
    partnerName: partner?.name ?? '',
    partnerNameLocal: partner?.nameLocal ?? null,
    awardedAt: plaque.awardedAt,
    validUntil: plaque.validUntil,
  };
}

/** A partner's plaques, current (active) first, then past ones, newest first. */
export async function partnerPlaques(
  partnerId: Types.ObjectId,
): Promise<{ current: PlaqueRow[]; past: PlaqueRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    PlaqueModel.find({ partner: partnerId }, PLAQUE_ROW_FIELDS)
      .sort({ awardedAt: -1, _id: -1 })
      .limit(SECTION_LIMIT)
      .lean<PlaqueRow[]>(),
    PlaqueModel.countDocuments({ partner: partnerId }),
  ]);
  return {
    current: rows.filter((r) => r.status === 'active'),
    past: rows.filter((r) => r.status !== 'active'),
    total,
  };
}

export async function eventPlaques(eventId: Types.ObjectId): Promise<{ rows: PlaqueRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    PlaqueModel.find({ event: eventId }, PLAQUE_ROW_FIELDS)
      .sort({ awardedAt: -1, _id: -1 })
      .limit(SECTION_LIMIT)
      .lean<PlaqueRow[]>(),
    PlaqueModel.countDocuments({ event: eventId }),
  ]);
  return { rows, total };
}

/** Merge: the other partner's plaques (serials unchanged) now belong to the survivor. */
export async function movePlaques(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const survivor = await findPartner(to);
  const moving = await PlaqueModel.find({ partner: from }, { _id: 1, serial: 1 }).lean<
    { _id: Types.ObjectId; serial: string }[]
  >();
  if (!moving.length) return 0;
  await PlaqueModel.updateMany(
    { _id: trusted({ $in: moving.map((p) => p._id) }) },
    { $set: { partner: survivor._id, partnerCountry: survivor.country } },
  );
  for (const p of moving) {
    await recordAudit(ctx, {
      action: 'plaque.move',
      entity: 'plaque',
      entityId: p._id,
      changes: [{ field: 'partner', before: from.toHexString(), after: to.toHexString() }],
      meta: { reason: 'partner.merge', serial: p.serial },
    });
  }
  await syncPartnerCountry(survivor);
  return moving.length;
}

/** Keeps the copied partner country (a list filter) right when a partner is edited. */
export async function syncPartnerCountry(partner: Pick<Partner, '_id' | 'country'>): Promise<void> {
  await PlaqueModel.updateMany(
    { partner: partner._id, partnerCountry: trusted({ $ne: partner.country }) },
    { $set: { partnerCountry: partner.country } },
  );
}

/** Years that have plaques, newest first, for the list's year filter. */
export async function plaqueYears(): Promise<number[]> {
  const rows = await PlaqueModel.aggregate<{ _id: number }>([{ $group: { _id: '$year' } }]);
  return rows
    .map((r) => r._id)
    .filter((y) => typeof y === 'number')
    .sort((a, b) => b - a);
}
