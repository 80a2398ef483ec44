import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../lib/counters.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { objectIds, trusted } from '../../lib/db/index.js';
import { ConflictError, ValidationError, type FieldErrors } from '../../lib/errors.js';
import { rolesFor } from '../../lib/permissions.js';
import { diffFields, recordAudit, type AuditContext } from '../audit/index.js';
import { UserModel } from '../users/index.js';
import { openCasesOfDesk } from './case-counter.js';
import { DeskModel, deskNameKey, PRIORITIES, type Desk, type SlaPolicy } from './desk.model.js';
import { slaField, type DeskInput } from './desks.schemas.js';
import { deskMemberIds, findDesk } from './desks.service.js';

export const DESK_PAGE_SIZE = 50;

/** Audited fields; `members` is the sorted list of member ids. */
const AUDITED = [
  'name',
  'timeZone',
  'lead',
  'isDefault',
  'sla',
  'raiseOnBreach',
  'members',
  'archivedAt',
] as const;

export type DeskRow = Desk & { memberCount: number };

export interface DeskListFilter {
  state: 'active' | 'archived' | 'all' | '';
  after?: string;
}

/** Who may be a desk member: the roles that work complaint cases. */
export const MEMBER_ROLES = rolesFor('cases.read');

export async function memberChoices(): Promise<
  { _id: Types.ObjectId; name: string; email: string; role: string }[]
> {
  return UserModel.find(
    { disabledAt: null, role: trusted({ $in: [...MEMBER_ROLES] }) },
    { name: 1, email: 1, role: 1 },
  )
    .sort({ name: 1, _id: 1 })
    .lean();
}

export async function listDeskPage(filter: DeskListFilter, limit = DESK_PAGE_SIZE): Promise<Page<DeskRow>> {
  const query: Record<string, unknown> = {};
  if (filter.state === 'archived') query.archivedAt = trusted({ $ne: null });
  else if (filter.state !== 'all') query.archivedAt = null;
  const cursor = decodeCursor(filter.after);
  if (cursor && typeof cursor.v === 'string') query.nameKey = trusted({ $gt: cursor.v });
  const rows = await DeskModel.find(query)
    .sort({ nameKey: 1 })
    .limit(limit + 1)
    .lean<Desk[]>();
  const page = toPage(rows, limit, (d) => d.nameKey);
  const counts = await memberCounts(page.rows.map((d) => d._id));
  return {
    next: page.next,
    rows: page.rows.map((d) => ({ ...d, memberCount: counts.get(d._id.toHexString()) ?? 0 })),
  };
}

async function memberCounts(deskIds: Types.ObjectId[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!deskIds.length) return out;
  const users = await UserModel.find(
    { desks: trusted({ $in: deskIds }), disabledAt: null },
    { desks: 1 },
  ).lean();
  const wanted = new Set(deskIds.map((d) => d.toHexString()));
  for (const u of users) {
    for (const d of u.desks) {
      const key = d.toHexString();
      if (wanted.has(key)) out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

/** The desk as audited: its fields plus the sorted member ids. */
async function snapshot(id: Types.ObjectId): Promise<Record<string, unknown>> {
  const desk = await findDesk(id);
  const members = (await UserModel.find({ desks: id }, { _id: 1 }).lean())
    .map((u) => u._id.toHexString())
    .sort();
  return { ...desk, members };
}

function slaFromInput(input: DeskInput, errors: FieldErrors): SlaPolicy {
  const sla = {} as SlaPolicy;
  for (const p of PRIORITIES) {
    const ackHours = Number(input[slaField(p, 'ack')]);
    const resolveHours = Number(input[slaField(p, 'resolve')]);
    if (ackHours > resolveHours) errors[slaField(p, 'ack')] = 'desks.ackAfterResolve';
    sla[p] = { ackHours, resolveHours };
  }
  return sla;
}

async function checkMembers(input: DeskInput, errors: FieldErrors): Promise<Types.ObjectId[]> {
  const ids = objectIds(input.members);
  if (ids.length) {
    const found = await UserModel.countDocuments({
      _id: trusted({ $in: ids }),
      disabledAt: null,
      role: trusted({ $in: [...MEMBER_ROLES] }),
    });
    if (found !== ids.length) errors.members = 'desks.badMember';
  }
  if (input.lead && !ids.some((id) => id.toHexString() === input.lead)) errors.lead = 'desks.leadNotMember';
  return ids;
}

async function checkName(name: string, errors: FieldErrors, excludeId?: Types.ObjectId): Promise<string> {
  const key = deskNameKey(name);
  const query: Record<string, unknown> = { nameKey: key };
  if (excludeId) query._id = trusted({ $ne: excludeId });
  if (await DeskModel.exists(query)) errors.name = 'desks.nameTaken';
  return key;
}

/**
 * Members: users added get the desk, active users dropped lose it. Disabled users are not on
 * the form, so they keep their membership (for when they are enabled again).
 */
async function syncMembers(deskId: Types.ObjectId, members: Types.ObjectId[]): Promise<void> {
  const current = await deskMemberIds(deskId);
  const want = new Set(members.map((m) => m.toHexString()));
  const have = new Set(current.map((m) => m.toHexString()));
  const removed = current.filter((m) => !want.has(m.toHexString()));
  const added = members.filter((m) => !have.has(m.toHexString()));
  if (removed.length) {
    await UserModel.updateMany({ _id: trusted({ $in: removed }) }, { $pullAll: { desks: [deskId] } });
  }
  if (added.length) {
    await UserModel.updateMany({ _id: trusted({ $in: added }) }, { $addToSet: { desks: deskId } });
  }
}

async function deskMemberIdsIncludingDisabled(deskId: Types.ObjectId): Promise<Types.ObjectId[]> {
  return (await UserModel.find({ desks: deskId }, { _id: 1 }).lean()).map((u) => u._id);
}

/** Makes `deskId` the one default desk: every other desk loses the flag (audited). */
async function takeDefault(deskId: Types.ObjectId, ctx: AuditContext): Promise<void> {
  const others = await DeskModel.find({ isDefault: true, _id: trusted({ $ne: deskId }) }, { _id: 1 }).lean();
  for (const other of others) {
    await DeskModel.updateOne({ _id: other._id }, { $set: { isDefault: false } });
    await recordAudit(ctx, {
      action: 'desk.update',
      entity: 'desk',
      entityId: other._id,
      changes: [{ field: 'isDefault', before: true, after: false }],
      meta: { reason: 'default moved', to: deskId.toHexString() },
    });
  }
}

function fail(errors: FieldErrors): void {
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

export async function createDesk(input: DeskInput, ctx: AuditContext): Promise<Desk> {
  const errors: FieldErrors = {};
  const nameKey = await checkName(input.name, errors);
  const sla = slaFromInput(input, errors);
  const members = await checkMembers(input, errors);
  fail(errors);
  // The first live desk becomes the default: routing always needs one.
  const isDefault =
    input.isDefault === '1' || !(await DeskModel.exists({ isDefault: true, archivedAt: null }));
  let created;
  try {
    created = await DeskModel.create({
      name: input.name,
      nameKey,
      timeZone: input.timeZone,
      lead: input.lead ? new Types.ObjectId(input.lead) : null,
      sla,
      raiseOnBreach: input.raiseOnBreach === '1',
      isDefault,
    });
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ValidationError({ name: 'desks.nameTaken' });
    throw err;
  }
  await syncMembers(created._id, members);
  if (isDefault) await takeDefault(created._id, ctx);
  const after = await snapshot(created._id);
  await recordAudit(ctx, {
    action: 'desk.create',
    entity: 'desk',
    entityId: created._id,
    changes: diffFields(null, after, AUDITED),
  });
  return findDesk(created._id);
}

export async function updateDesk(id: string, input: DeskInput, ctx: AuditContext): Promise<Desk> {
  const desk = await findDesk(id);
  const before = await snapshot(desk._id);
  const errors: FieldErrors = {};
  const nameKey = await checkName(input.name, errors, desk._id);
  const sla = slaFromInput(input, errors);
  const members = await checkMembers(input, errors);
  const isDefault = input.isDefault === '1';
  if (desk.isDefault && !isDefault) errors.isDefault = 'desks.keepDefault';
  if (isDefault && desk.archivedAt) errors.isDefault = 'desks.archivedDefault';
  fail(errors);
  try {
    await DeskModel.updateOne(
      { _id: desk._id },
      {
        $set: {
          name: input.name,
          nameKey,
          timeZone: input.timeZone,
          lead: input.lead ? new Types.ObjectId(input.lead) : null,
          sla,
          raiseOnBreach: input.raiseOnBreach === '1',
          isDefault,
        },
      },
    );
  } catch (err) {
    if (isDuplicateKeyError(err)) throw new ValidationError({ name: 'desks.nameTaken' });
    throw err;
  }
  await syncMembers(desk._id, members);
  if (isDefault && !desk.isDefault) await takeDefault(desk._id, ctx);
  const after = await snapshot(desk._id);
  const changes = diffFields(before, after, AUDITED);
  if (changes.length)
    await recordAudit(ctx, { action: 'desk.update', entity: 'desk', entityId: desk._id, changes });
  return findDesk(desk._id);
}

/** Why the desk cannot be archived (a translation key), or null when it can. */
export async function archiveProblem(desk: Desk): Promise<string | null> {
  if (desk.archivedAt) return null;
  if (desk.isDefault) return 'desks.archiveDefault';
  const open = await openCasesOfDesk(desk._id, await deskMemberIds(desk._id));
  if (open > 0) return 'desks.archiveOpenCases';
  return null;
}

export async function setDeskArchived(id: string, archived: boolean, ctx: AuditContext): Promise<Desk> {
  const desk = await findDesk(id);
  if (Boolean(desk.archivedAt) === archived) return desk;
  if (archived) {
    const problem = await archiveProblem(desk);
    if (problem) throw new ConflictError(problem);
  }
  await DeskModel.updateOne({ _id: desk._id }, { $set: { archivedAt: archived ? new Date() : null } });
  const after = await findDesk(desk._id);
  await recordAudit(ctx, {
    action: archived ? 'desk.archive' : 'desk.unarchive',
    entity: 'desk',
    entityId: desk._id,
    changes: diffFields(desk, after, ['archivedAt']),
  });
  return after;
}

/** Form values for editing a desk (flat SLA fields, member ids as strings). */
export async function deskFormValues(desk: Desk): Promise<Record<string, unknown>> {
  const members = (await deskMemberIdsIncludingDisabled(desk._id)).map((m) => m.toHexString());
  const values: Record<string, unknown> = {
    name: desk.name,
    timeZone: desk.timeZone,
    lead: desk.lead ? desk.lead.toHexString() : '',
    isDefault: desk.isDefault ? '1' : '',
    raiseOnBreach: desk.raiseOnBreach ? '1' : '',
    members,
  };
  for (const p of PRIORITIES) {
    values[slaField(p, 'ack')] = desk.sla[p].ackHours;
    values[slaField(p, 'resolve')] = desk.sla[p].resolveHours;
  }
  return values;
}

/** SLA defaults a new desk form starts with (hours). */
export const DEFAULT_SLA: SlaPolicy = {
  low: { ackHours: 48, resolveHours: 240 },
  normal: { ackHours: 24, resolveHours: 120 },
  high: { ackHours: 8, resolveHours: 72 },
  urgent: { ackHours: 2, resolveHours: 24 },
};
