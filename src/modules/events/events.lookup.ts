import { Types } from 'mongoose';
import { EventModel } from './event.model.js';
import { objectIds, trusted } from '../../lib/db/index.js';

/** A live event or null (interactions, agreements and plaques may point at one). */
export async function findLiveEvent(
  id: Types.ObjectId | string,
): Promise<{ _id: Types.ObjectId; name: string } | null> {
  if (!Types.ObjectId.isValid(String(id))) return null;
  return EventModel.findOne({ _id: new Types.ObjectId(String(id)), archivedAt: null }, { name: 1 }).lean();
}

/** Names of the live events among `ids`, in one $in query (for list pages: no query per row). */
export async function liveEventNames(ids: readonly unknown[]): Promise<Map<string, string>> {
  const unique = objectIds(ids);
  if (!unique.length) return new Map();
  const rows = await EventModel.find({ _id: trusted({ $in: unique }), archivedAt: null }, { name: 1 }).lean<
    { _id: Types.ObjectId; name: string }[]
  >();
  return new Map(rows.map((e) => [e._id.toHexString(), e.name]));
}

/** Recent events for pickers, newest first. */
export async function recentEvents(
  limit = 50,
): Promise<{ _id: Types.ObjectId; name: string; startsAt: Date }[]> {
  return EventModel.find({ archivedAt: null }, { name: 1, startsAt: 1 })
    .sort({ startsAt: -1, _id: -1 })
    .limit(limit)
    .lean();
}
