import { Types } from 'mongoose';
import type { Readable } from 'node:stream';
import { config } from '../../config/index.js';
import { allOf, objectIds, trusted } from '../../lib/db/index.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { deleteFile, openFile, saveFile, type StoredFile } from '../../lib/files.js';
import { can, canOnRecord } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { findLiveEvent } from '../events/index.js';
import { PartnerModel, type Partner } from '../partners/index.js';
import { UserModel } from '../users/index.js';
import {
  AgreementClaimModel,
  AgreementModel,
  type Agreement,
  type Attachment,
  type StageChange,
} from './agreement.model.js';
import type { AgreementInput, AgreementListFilter, BoardFilter, StageInput } from './agreements.schemas.js';
import { addMoney } from './currencies.js';
import { parseDay, quarterOf, today as todayIn } from './dates.js';
import {
  checkStageInvariants,
  checkTransition,
  isTerminal,
  OPEN_STAGES,
  SIGNED_STAGES,
  STAGES,
  type Stage,
} from './stages.js';

export const AGREEMENT_PAGE_SIZE = 50;
export const BOARD_CARDS = 25;
export const SECTION_LIMIT = 10;
/** A claim older than this was left by a process that died between claiming and writing. */
export const CLAIM_STALE_MS = 2 * 60_000;

/** Fields users edit; audited with before/after. */
export const EDITABLE = [
  'title',
  'category',
  'partners',
  'owner',
  'value',
  'expectedSignAt',
  'signedAt',
  'effectiveFrom',
  'expiresAt',
  'event',
  'notes',
] as const;

/** Stages that may be renewed: the agreement was signed. */
export const RENEWABLE: readonly Stage[] = ['signed', 'active', 'expired'];

export const LIST_FIELDS = {
  title: 1,
  category: 1,
  partners: 1,
  owner: 1,
  value: 1,
  stage: 1,
  stageVersion: 1,
  stageChangedAt: 1,
  expectedSignAt: 1,
  signedAt: 1,
  effectiveFrom: 1,
  expiresAt: 1,
  event: 1,
  createdAt: 1,
  renewalOf: 1,
  renewedBy: 1,
} as const;

export type AgreementRow = Pick<Agreement, '_id' | keyof typeof LIST_FIELDS>;

type Id = Types.ObjectId | string;

export function officeToday(now = new Date()): Date {
  return todayIn(config.defaultTimeZone, now);
}

export function titleKey(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export async function findAgreement(id: Id): Promise<Agreement> {
  if (!Types.ObjectId.isValid(String(id)) || !/^[0-9a-f]{24}$/i.test(String(id))) throw new NotFoundError();
  const found = await AgreementModel.findById(id).lean<Agreement>();
  if (!found) throw new NotFoundError();
  return found;
}

export function canEditAgreement(
  user: Express.User | undefined | null,
  a: Pick<Agreement, 'owner'>,
): boolean {
  return canOnRecord(user, 'agreements.update', a.owner);
}

export function assertCanEdit(user: Express.User | undefined | null, a: Pick<Agreement, 'owner'>): void {
  if (!canEditAgreement(user, a)) throw new ForbiddenError();
}

// ---- claims: a unique key decides races FerretDB's conditional updates cannot ----------------

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

/** True when this caller holds the key now; false when someone else does. */
export async function claim(key: string, now = new Date()): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      await AgreementClaimModel.create({ key, createdAt: now });
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const held = await AgreementClaimModel.findOne({ key }).lean();
      if (!held || held.createdAt.getTime() > now.getTime() - CLAIM_STALE_MS) return false;
      // Left by a crashed run: take it over once (the write it guarded never happened).
      await AgreementClaimModel.deleteOne({ key, createdAt: held.createdAt });
    }
  }
  return false;
}

// ---- references: partners, owner, event -------------------------------------------------------

type PartnerFacts = Pick<Partner, '_id' | 'country' | 'type' | 'archivedAt'>;

/**
 * The partners an agreement may name: existing, and live unless already linked (an old
 * agreement keeps a partner archived since). Unknown or forged ids are a field error.
 */
async function resolvePartners(ids: string[], alreadyLinked: Types.ObjectId[] = []): Promise<PartnerFacts[]> {
  if (!ids.length) throw new ValidationError({ partners: 'agreements.errors.partnersRequired' });
  const wanted = objectIds(ids);
  const rows = await PartnerModel.find(
    { _id: trusted({ $in: wanted }) },
    { country: 1, type: 1, archivedAt: 1 },
  ).lean<PartnerFacts[]>();
  const byId = new Map(rows.map((r) => [r._id.toHexString(), r]));
  const linked = new Set(alreadyLinked.map(String));
  const out: PartnerFacts[] = [];
  for (const id of wanted) {
    const p = byId.get(id.toHexString());
    if (!p) throw new ValidationError({ partners: 'agreements.errors.partnerUnknown' });
    if (p.archivedAt && !linked.has(id.toHexString()))
      throw new ValidationError({ partners: 'agreements.errors.partnerArchived' });
    out.push(p);
  }
  return out;
}

function partnerFacts(partners: Pick<Partner, 'country' | 'type'>[]) {
  return {
    partnerCountries: [...new Set(partners.map((p) => p.country))].sort(),
    partnerTypes: [...new Set(partners.map((p) => p.type))].sort(),
  };
}

/** Owners are people who may edit agreements (coordinators, managers, admins) and are not disabled. */
async function resolveOwner(owner: string | null): Promise<Types.ObjectId | null> {
  if (!owner) return null;
  const found = await UserModel.findOne(
    { _id: new Types.ObjectId(owner), disabledAt: null },
    { role: 1 },
  ).lean<{ role: Express.User['role'] }>();
  if (!found || !(can(found, 'agreements.update') || can(found, 'agreements.update.own')))
    throw new ValidationError({ owner: 'agreements.errors.ownerInvalid' });
  return new Types.ObjectId(owner);
}

async function resolveEvent(
  event: string | null,
  current?: Types.ObjectId | null,
): Promise<Types.ObjectId | null> {
  if (!event) return null;
  if (current && current.equals(event)) return current;
  const found = await findLiveEvent(event);
  if (!found) throw new ValidationError({ event: 'agreements.errors.eventUnknown' });
  return found._id;
}

function day(text: string | null | undefined): Date | null {
  return text ? parseDay(text) : null;
}

function dateFields(input: AgreementInput, stage: Stage, stored?: Agreement) {
  const signed = (SIGNED_STAGES as readonly string[]).includes(stage);
  // Before signature there is no signing date: it is recorded by moving to "signed".
  const signedAt = signed ? day(input.signedAt) : null;
  const fields = {
    expectedSignAt: day(input.expectedSignAt),
    signedAt,
    effectiveFrom: day(input.effectiveFrom),
    expiresAt: day(input.expiresAt),
  };
  const errors = checkStageInvariants(stage, fields);
  if (Object.keys(errors).length) throw new ValidationError(errors as Record<string, string>);
  const reminderReset =
    stored && stored.expiresAt?.getTime() !== fields.expiresAt?.getTime() ? { remindersSent: [] } : {};
  return { ...fields, signedQuarter: quarterOf(signedAt), ...reminderReset };
}

// ---- create / update ---------------------------------------------------------------------------

export async function createAgreement(
  input: AgreementInput,
  user: Express.User,
  ctx: AuditContext,
  extra: { renewalOf?: Types.ObjectId } = {},
  now = new Date(),
): Promise<Agreement> {
  const [partners, owner, event] = await Promise.all([
    resolvePartners(input.partners),
    // Coordinators own what they draft; managers and admins may name anyone who can own one.
    can(user, 'agreements.update') ? resolveOwner(input.owner) : Promise.resolve(user._id),
    resolveEvent(input.event),
  ]);
  const dates = dateFields(input, 'lead');
  const first: StageChange = { from: null, to: 'lead', at: now, by: user._id, note: null };
  const created = await AgreementModel.create({
    title: input.title,
    titleKey: titleKey(input.title),
    category: input.category,
    partners: partners.map((p) => p._id),
    ...partnerFacts(partners),
    owner,
    value: { amount: input.valueAmount, currency: input.valueAmount == null ? null : input.valueCurrency },
    stage: 'lead',
    stageVersion: 0,
    stageChangedAt: now,
    stageHistory: [first],
    ...dates,
    event,
    notes: input.notes,
    renewalOf: extra.renewalOf ?? null,
    createdBy: user._id,
  });
  const agreement = created.toObject() as Agreement;
  await recordAudit(ctx, {
    action: 'agreement.create',
    entity: 'agreement',
    entityId: agreement._id,
    changes: diffFields(null, agreement, [...EDITABLE, 'stage']),
    meta: extra.renewalOf ? { renewalOf: extra.renewalOf.toHexString() } : null,
  });
  return agreement;
}

export async function updateAgreement(
  id: string,
  input: AgreementInput,
  user: Express.User,
  ctx: AuditContext,
): Promise<Agreement> {
  const before = await findAgreement(id);
  assertCanEdit(user, before);
  if (isTerminal(before.stage as Stage) && !can(user, 'agreements.update'))
    throw new ConflictError('agreements.errors.closedReadOnly');
  const [partners, owner, event] = await Promise.all([
    resolvePartners(input.partners, before.partners),
    can(user, 'agreements.update') ? resolveOwner(input.owner) : Promise.resolve(before.owner ?? null),
    resolveEvent(input.event, before.event),
  ]);
  const dates = dateFields(input, before.stage as Stage, before);
  // Conditioned on the stage version, so an edit never rewrites a stage change made meanwhile.
  const res = await AgreementModel.updateOne(
    { _id: before._id, stageVersion: before.stageVersion },
    {
      $set: {
        title: input.title,
        titleKey: titleKey(input.title),
        category: input.category,
        partners: partners.map((p) => p._id),
        ...partnerFacts(partners),
        owner,
        value: {
          amount: input.valueAmount,
          currency: input.valueAmount == null ? null : input.valueCurrency,
        },
        ...dates,
        event,
        notes: input.notes,
      },
    },
  );
  if (res.matchedCount === 0) throw new ConflictError('agreements.errors.stale');
  const after = await findAgreement(id);
  const changes = diffFields(before, after, EDITABLE);
  if (changes.length)
    await recordAudit(ctx, { action: 'agreement.update', entity: 'agreement', entityId: id, changes });
  return after;
}

// ---- stage changes -----------------------------------------------------------------------------

/** Who moved it: a user, or the system (the expiry job). */
export type StageActor = Express.User | null;

/**
 * Moves an agreement along the pipeline. The caller says which stage and version it decided
 * on; if the agreement moved meanwhile the change is refused (409), never applied twice: the
 * version's claim key is unique and the write is conditioned on the stage and version.
 */
export async function changeStage(
  id: Id,
  input: StageInput,
  actor: StageActor,
  ctx: AuditContext,
  now = new Date(),
): Promise<Agreement> {
  const before = await findAgreement(id);
  if (actor) assertCanEdit(actor, before);
  const from = before.stage as Stage;
  if (from !== input.fromStage || before.stageVersion !== input.version)
    throw new ConflictError('agreements.errors.stale');
  const today = officeToday(now);
  // The form's dates count when entering signed (signing date, planned term) or active (term);
  // other moves keep what is stored (dates are corrected through the edit form).
  const takesDates = input.to === 'signed' || input.to === 'active';
  const values = {
    note: input.note,
    signedAt: (input.to === 'signed' ? day(input.signedAt) : null) ?? before.signedAt ?? null,
    effectiveFrom: (takesDates ? day(input.effectiveFrom) : null) ?? before.effectiveFrom ?? null,
    expiresAt: (takesDates ? day(input.expiresAt) : null) ?? before.expiresAt ?? null,
  };
  const errors = checkTransition(from, input.to, values, today);
  if (Object.keys(errors).length) throw new ValidationError(errors as Record<string, string>);

  const keepsSignature = (SIGNED_STAGES as readonly string[]).includes(input.to);
  const set: Record<string, unknown> = {
    stage: input.to,
    stageVersion: before.stageVersion + 1,
    stageChangedAt: now,
    signedAt: keepsSignature ? values.signedAt : null,
    signedQuarter: keepsSignature ? quarterOf(values.signedAt) : null,
    effectiveFrom: values.effectiveFrom,
    expiresAt: values.expiresAt,
  };
  if ((values.expiresAt?.getTime() ?? null) !== (before.expiresAt?.getTime() ?? null)) set.remindersSent = [];
  const entry: StageChange = { from, to: input.to, at: now, by: actor?._id ?? null, note: input.note };

  if (!(await claim(`stage:${before._id.toHexString()}:${before.stageVersion}`, now)))
    throw new ConflictError('agreements.errors.stale');
  const res = await AgreementModel.updateOne(
    { _id: before._id, stage: from, stageVersion: before.stageVersion },
    { $set: set, $push: { stageHistory: entry } },
  );
  if (res.modifiedCount === 0) throw new ConflictError('agreements.errors.stale');
  const after = await findAgreement(before._id);
  await recordAudit(ctx, {
    action: 'agreement.stage',
    entity: 'agreement',
    entityId: before._id,
    changes: diffFields(before, after, ['stage', 'signedAt', 'effectiveFrom', 'expiresAt']),
    meta: { from, to: input.to, note: input.note, system: actor === null },
  });
  return after;
}

// ---- renewal -----------------------------------------------------------------------------------

/** Renewal: a new agreement at `lead` for the same partners, linked both ways, at most once. */
export async function renewAgreement(
  id: string,
  user: Express.User,
  ctx: AuditContext,
  now = new Date(),
): Promise<Agreement> {
  const previous = await findAgreement(id);
  assertCanEdit(user, previous);
  if (previous.renewedBy) throw new ConflictError('agreements.errors.alreadyRenewed');
  if (!RENEWABLE.includes(previous.stage as Stage)) throw new ConflictError('agreements.errors.notRenewable');
  const live = await PartnerModel.find(
    { _id: trusted({ $in: previous.partners }), archivedAt: null },
    { _id: 1 },
  ).lean<{ _id: Types.ObjectId }[]>();
  if (!live.length) throw new ConflictError('agreements.errors.renewNoPartners');
  if (!(await claim(`renew:${previous._id.toHexString()}`, now)))
    throw new ConflictError('agreements.errors.alreadyRenewed');
  const next = await createAgreement(
    {
      title: previous.title,
      category: previous.category as AgreementInput['category'],
      partners: live.map((p) => p._id.toHexString()),
      owner: previous.owner ? previous.owner.toHexString() : null,
      valueAmount: previous.value?.amount ?? null,
      valueCurrency: previous.value?.currency ?? null,
      expectedSignAt: previous.expiresAt ? previous.expiresAt.toISOString().slice(0, 10) : null,
      signedAt: null,
      effectiveFrom: null,
      expiresAt: null,
      event: null,
      notes: null,
    },
    user,
    ctx,
    { renewalOf: previous._id },
    now,
  );
  await AgreementModel.updateOne({ _id: previous._id, renewedBy: null }, { $set: { renewedBy: next._id } });
  await recordAudit(ctx, {
    action: 'agreement.renew',
    entity: 'agreement',
    entityId: previous._id,
    changes: [{ field: 'renewedBy', before: null, after: next._id.toHexString() }],
  });
  return next;
}

// ---- lists -------------------------------------------------------------------------------------

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function ownerClause(owner: string, user: Express.User | undefined): Record<string, unknown> | null {
  if (owner === 'mine') return { owner: user?._id ?? null };
  if (owner === 'none') return { owner: null };
  if (owner) return { owner: new Types.ObjectId(owner) };
  return null;
}

function range(fromText: string, toText: string): Record<string, Date> | null {
  const from = fromText ? parseDay(fromText) : null;
  const to = toText ? parseDay(toText) : null;
  if (!from && !to) return null;
  const r: Record<string, Date> = {};
  if (from) r.$gte = from;
  if (to) r.$lte = to;
  return r;
}

/** The Mongo filter for the list (selective clauses first; every value is ours, never the user's operator). */
export function buildAgreementQuery(
  filter: Omit<AgreementListFilter, 'after'>,
  user: Express.User | undefined,
): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (filter.partner) and.push({ partners: new Types.ObjectId(filter.partner) });
  if (filter.event) and.push({ event: new Types.ObjectId(filter.event) });
  if (filter.stage === 'open') and.push({ stage: trusted({ $in: [...OPEN_STAGES] }) });
  else if (filter.stage) and.push({ stage: filter.stage });
  if (filter.category) and.push({ category: filter.category });
  if (filter.country) and.push({ partnerCountries: filter.country });
  if (filter.partnerType) and.push({ partnerTypes: filter.partnerType });
  const owner = ownerClause(filter.owner, user);
  if (owner) and.push(owner);
  const signed = range(filter.signedFrom, filter.signedTo);
  if (signed) and.push({ signedAt: trusted(signed) });
  const expires = range(filter.expiresFrom, filter.expiresTo);
  if (expires) and.push({ expiresAt: trusted(expires) });
  if (filter.q) and.push({ titleKey: trusted({ $regex: escapeRegex(titleKey(filter.q)) }) });
  return allOf(and);
}

export interface AgreementListPage extends Page<AgreementRow> {
  total: number;
}

/** Newest first, keyset-paginated on (createdAt, _id). */
export async function listAgreements(
  filter: AgreementListFilter,
  user: Express.User | undefined,
  limit = AGREEMENT_PAGE_SIZE,
): Promise<AgreementListPage> {
  const base = buildAgreementQuery(filter, user);
  const cursor = decodeCursor(filter.after);
  let query = base;
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = new Types.ObjectId(cursor.id);
    query = allOf([
      base,
      { $or: [{ createdAt: trusted({ $lt: at }) }, { createdAt: at, _id: trusted({ $lt: id }) }] },
    ]);
  }
  const [rows, total] = await Promise.all([
    AgreementModel.find(query, LIST_FIELDS)
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<AgreementRow[]>(),
    AgreementModel.countDocuments(base),
  ]);
  return { ...toPage(rows, limit, (r) => r.createdAt.getTime()), total };
}

// ---- totals per currency (board and metrics) ---------------------------------------------------

export type Totals = Map<string, number>;

/** Count per stage: one $group with one accumulator (FerretDB computes only the first). */
export async function countByStage(match: Record<string, unknown>): Promise<Map<Stage, number>> {
  const rows = await AgreementModel.aggregate<{ _id: Stage; n: number }>([
    { $match: match },
    { $group: { _id: '$stage', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

/** Value per stage and currency, never mixed: the currency is part of the group key. */
export async function valueByStage(match: Record<string, unknown>): Promise<Map<Stage, Totals>> {
  const rows = await AgreementModel.aggregate<{ _id: { stage: Stage; currency: string }; total: number }>([
    { $match: { $and: [match, { 'value.currency': trusted({ $ne: null }) }] } },
    { $group: { _id: { stage: '$stage', currency: '$value.currency' }, total: { $sum: '$value.amount' } } },
  ]);
  const out = new Map<Stage, Totals>();
  for (const r of rows) {
    if (!r._id?.currency) continue;
    const totals = out.get(r._id.stage) ?? new Map<string, number>();
    totals.set(r._id.currency, addMoney(totals.get(r._id.currency) ?? 0, r.total ?? 0));
    out.set(r._id.stage, totals);
  }
  return out;
}

/** Currencies in a stable order (alphabetical) for display. */
export function sortedTotals(totals: Totals | undefined): [string, number][] {
  return [...(totals ?? new Map<string, number>()).entries()].sort((a, b) => a[0].localeCompare(b[0]));
}

export interface BoardColumn {
  stage: Stage;
  count: number;
  totals: [string, number][];
  cards: AgreementRow[];
}

export function buildBoardQuery(
  filter: BoardFilter,
  user: Express.User | undefined,
): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (filter.category) and.push({ category: filter.category });
  if (filter.event) and.push({ event: new Types.ObjectId(filter.event) });
  const owner = ownerClause(filter.owner, user);
  if (owner) and.push(owner);
  return allOf(and);
}

/** One column per stage with its count and value per currency; cards oldest-in-stage first (terminal: newest). */
export async function loadBoard(filter: BoardFilter, user: Express.User | undefined): Promise<BoardColumn[]> {
  const match = buildBoardQuery(filter, user);
  const [counts, values, cards] = await Promise.all([
    countByStage(match),
    valueByStage(match),
    Promise.all(
      STAGES.map((stage) =>
        AgreementModel.find(allOf([match, { stage }]), LIST_FIELDS)
          .sort({ stageChangedAt: isTerminal(stage) ? -1 : 1, _id: 1 })
          .limit(BOARD_CARDS)
          .lean<AgreementRow[]>(),
      ),
    ),
  ]);
  return STAGES.map((stage, i) => ({
    stage,
    count: counts.get(stage) ?? 0,
    totals: sortedTotals(values.get(stage)),
    cards: cards[i]!,
  }));
}

// ---- partner and event pages, merge ------------------------------------------------------------

/** The newest agreements matching `filter`, bounded for a page section, and how many there are. */
async function section(filter: Record<string, unknown>): Promise<{ rows: AgreementRow[]; total: number }> {
  const [rows, total] = await Promise.all([
    AgreementModel.find(filter, LIST_FIELDS)
      .sort({ createdAt: -1, _id: -1 })
      .limit(SECTION_LIMIT)
      .lean<AgreementRow[]>(),
    AgreementModel.countDocuments(filter),
  ]);
  return { rows, total };
}

export function agreementsOfPartner(partnerId: Types.ObjectId) {
  return section({ partners: partnerId });
}

export function agreementsOfEvent(eventId: Types.ObjectId) {
  return section({ event: eventId });
}

/** Keeps the copied partner facts (country, type) right after a partner changes. */
export async function refreshPartnerFacts(partnerId: Types.ObjectId): Promise<number> {
  const affected = await AgreementModel.find({ partners: partnerId }, { partners: 1 }).lean<
    Pick<Agreement, '_id' | 'partners'>[]
  >();
  for (const a of affected) {
    const partners = await PartnerModel.find(
      { _id: trusted({ $in: a.partners }) },
      { country: 1, type: 1 },
    ).lean<Pick<Partner, 'country' | 'type'>[]>();
    await AgreementModel.updateOne({ _id: a._id }, { $set: partnerFacts(partners) });
  }
  return affected.length;
}

/**
 * Merge: agreements naming `from` name `to` instead, once (an agreement naming both keeps one).
 * Written per agreement with the whole list ($addToSet then $pull would be two racing writes).
 */
export async function movePartnerInAgreements(
  from: Types.ObjectId,
  to: Types.ObjectId,
  ctx: AuditContext,
): Promise<number> {
  const affected = await AgreementModel.find({ partners: from }, { partners: 1 }).lean<
    Pick<Agreement, '_id' | 'partners'>[]
  >();
  for (const a of affected) {
    const next: Types.ObjectId[] = [];
    for (const p of a.partners) {
      const id = p.equals(from) ? to : p;
      if (!next.some((n) => n.equals(id))) next.push(id);
    }
    const partners = await PartnerModel.find({ _id: trusted({ $in: next }) }, { country: 1, type: 1 }).lean<
      Pick<Partner, 'country' | 'type'>[]
    >();
    await AgreementModel.updateOne({ _id: a._id }, { $set: { partners: next, ...partnerFacts(partners) } });
    await recordAudit(ctx, {
      action: 'agreement.partners.move',
      entity: 'agreement',
      entityId: a._id,
      changes: [{ field: 'partners', before: a.partners.map(String), after: next.map(String) }],
      meta: { reason: 'partner.merge', from: from.toHexString(), to: to.toHexString() },
    });
  }
  return affected.length;
}

// ---- attachments -------------------------------------------------------------------------------

export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const ATTACHMENT_TYPES = ['pdf', 'png', 'jpeg', 'webp'] as const;
export const ATTACHMENTS_MAX = 30;

export function findAttachment(a: Pick<Agreement, 'attachments'>, fileId: string): Attachment | undefined {
  return a.attachments.find((f) => f.fileId.toHexString() === fileId);
}

export interface UploadedFile {
  buffer: Buffer;
  originalName: string;
  contentType: string;
  size: number;
}

/** Stores the (already type- and size-checked) file in the database and lists it on the agreement. */
export async function addAttachment(
  id: string,
  upload: UploadedFile,
  user: Express.User,
  ctx: AuditContext,
  now = new Date(),
): Promise<Attachment> {
  const a = await findAgreement(id);
  assertCanEdit(user, a);
  if (a.attachments.length >= ATTACHMENTS_MAX)
    throw new ValidationError({ file: 'agreements.errors.tooManyFiles' });
  const stored: StoredFile = await saveFile(upload.buffer, {
    filename: upload.originalName,
    contentType: upload.contentType,
    metadata: { agreement: a._id.toHexString(), by: user._id.toHexString() },
  });
  const attachment: Attachment = {
    fileId: new Types.ObjectId(stored.id),
    filename: stored.filename,
    contentType: stored.contentType,
    size: stored.size,
    uploadedAt: now,
    by: user._id,
  };
  await AgreementModel.updateOne({ _id: a._id }, { $push: { attachments: attachment } });
  await recordAudit(ctx, {
    action: 'agreement.attachment.add',
    entity: 'agreement',
    entityId: a._id,
    changes: [{ field: 'attachments', before: null, after: stored.filename }],
    meta: { fileId: stored.id, size: stored.size, contentType: stored.contentType },
  });
  return attachment;
}

/** A file of the agreement for download (read permission is checked by the route), audited. */
export async function openAttachment(
  id: string,
  fileId: string,
  ctx: AuditContext,
): Promise<{ attachment: Attachment; stream: Readable }> {
  const a = await findAgreement(id);
  const attachment = findAttachment(a, fileId);
  if (!attachment) throw new NotFoundError();
  const opened = await openFile(fileId);
  if (!opened) throw new NotFoundError();
  await recordAudit(ctx, {
    action: 'agreement.attachment.download',
    entity: 'agreement',
    entityId: a._id,
    meta: { fileId, filename: attachment.filename },
  });
  return { attachment, stream: opened.stream };
}

export async function removeAttachment(
  id: string,
  fileId: string,
  user: Express.User,
  ctx: AuditContext,
): Promise<Attachment> {
  const a = await findAgreement(id);
  assertCanEdit(user, a);
  const attachment = findAttachment(a, fileId);
  if (!attachment) throw new NotFoundError();
  // FerretDB ignores a condition object inside $pull: write the remaining list instead.
  const remaining = a.attachments.filter((f) => !f.fileId.equals(attachment.fileId));
  await AgreementModel.updateOne({ _id: a._id }, { $set: { attachments: remaining } });
  await deleteFile(fileId);
  await recordAudit(ctx, {
    action: 'agreement.attachment.remove',
    entity: 'agreement',
    entityId: a._id,
    changes: [{ field: 'attachments', before: attachment.filename, after: null }],
    meta: { fileId },
  });
  return attachment;
}

/** Titles of linked agreements (renewal chain) for the page. */
export async function relatedTitles(
  ids: (Types.ObjectId | null | undefined)[],
): Promise<Map<string, string>> {
  const wanted = objectIds(ids);
  if (!wanted.length) return new Map();
  const rows = await AgreementModel.find({ _id: trusted({ $in: wanted }) }, { title: 1 }).lean<
    { _id: Types.ObjectId; title: string }[]
  >();
  return new Map(rows.map((r) => [r._id.toHexString(), r.title]));
}
