import { Types } from 'mongoose';
import { objectIds, trusted } from '../../lib/db/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { UserModel } from '../users/index.js';
import { DeskModel, type Desk, type Priority } from './desk.model.js';
import { dueDatesFrom } from './sla.js';

export async function findDesk(id: string | Types.ObjectId): Promise<Desk> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const desk = await DeskModel.findById(id).lean<Desk>();
  if (!desk) throw new NotFoundError();
  return desk;
}

/** Live desks by name (archived ones too when asked). */
export async function listDesks(opts: { includeArchived?: boolean } = {}): Promise<Desk[]> {
  const query = opts.includeArchived ? {} : { archivedAt: null };
  return DeskModel.find(query).sort({ nameKey: 1 }).lean<Desk[]>();
}

export async function defaultDesk(): Promise<Desk | null> {
  return DeskModel.findOne({ isDefault: true, archivedAt: null }).lean<Desk>();
}

/** Desk names by hex id, for lists. */
export async function deskNames(ids: readonly unknown[]): Promise<Map<string, string>> {
  const list = objectIds(ids);
  if (!list.length) return new Map();
  const rows = await DeskModel.find({ _id: trusted({ $in: list }) }, { name: 1 }).lean();
  return new Map(rows.map((d) => [d._id.toHexString(), d.name]));
}

/** Active (not disabled) members of a desk. */
export async function deskMemberIds(deskId: string | Types.ObjectId): Promise<Types.ObjectId[]> {
  const id = new Types.ObjectId(String(deskId));
  const rows = await UserModel.find({ desks: id, disabledAt: null }, { _id: 1 }).lean();
  return rows.map((r) => r._id);
}

/** Active complaint officers of a desk: who least-open assignment picks from. */
export async function deskOfficers(
  deskId: string | Types.ObjectId,
): Promise<{ _id: Types.ObjectId; name: string }[]> {
  const id = new Types.ObjectId(String(deskId));
  return UserModel.find({ desks: id, disabledAt: null, role: 'complaint_officer' }, { name: 1 })
    .sort({ name: 1, _id: 1 })
    .lean();
}

/** The live desks a user belongs to (read from the database, not the possibly stale session). */
export async function desksOfUser(user: { _id: Types.ObjectId | string }): Promise<Desk[]> {
  const row = await UserModel.findById(user._id, { desks: 1 }).lean();
  const ids = objectIds(row?.desks ?? []);
  if (!ids.length) return [];
  return DeskModel.find({ _id: trusted({ $in: ids }), archivedAt: null })
    .sort({ nameKey: 1 })
    .lean<Desk[]>();
}

/** Distinct leads of the given desks (desks without a lead are skipped). */
export async function deskLeads(deskIds: readonly unknown[]): Promise<Types.ObjectId[]> {
  const ids = objectIds(deskIds);
  if (!ids.length) return [];
  const rows = await DeskModel.find({ _id: trusted({ $in: ids }) }, { lead: 1 }).lean();
  return objectIds(rows.map((r) => r.lead));
}

/** Due times for a new case of this priority on this desk, counted from `from`. */
export function slaDueDates(
  desk: Pick<Desk, 'sla'>,
  priority: Priority,
  from: Date,
): { ackDueAt: Date; resolveDueAt: Date } {
  return dueDatesFrom(desk.sla[priority], from);
}
