import { Types } from 'mongoose';
import { EventModel } from './event.model.js';

/** A live event or null (interactions, agreements and plaques may point at one). */
export async function findLiveEvent(
  id: Types.ObjectId | string,
): Promise<{ _id: Types.ObjectId; name: string } | null> {
  if (!Types.ObjectId.isValid(String(id))) return null;
  return EventModel.findOne({ _id: new Types.ObjectId(String(id)), archivedAt: null }, { name: 1 }).lean();
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
