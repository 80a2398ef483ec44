import { Types } from 'mongoose';
import { trusted } from '../../lib/db/index.js';
import { backfillOnce } from '../../lib/once.js';
import { decodeCursor, toPage, type Page } from '../../lib/cursor.js';
import { NotFoundError } from '../../lib/errors.js';
import { NotificationModel, type Notification } from './notification.model.js';

export const NOTIFICATIONS_PAGE_SIZE = 30;

type Id = Types.ObjectId | string;

export interface NotificationInput {
  /** What it is about, e.g. 'followup.due' (for filtering and tests). */
  kind: string;
  /** Translation key of the title; params fill its {{placeholders}}. */
  titleKey: string;
  params?: Record<string, string | number>;
  /** Where it leads: a path inside the app. */
  link?: string | null;
  /** Sending twice with the same key creates one notification; omit for one-off notices. */
  dedupeKey?: string;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

function isLocalPath(link: string): boolean {
  return /^\/(?![/\\])[^\s]*$/.test(link);
}

/**
 * Creates an in-app notification unless one with the same dedupe key exists (an upsert that only
 * inserts, so two callers racing still create one). `created` tells the caller whether it was the
 * one that created it, e.g. to send the matching e-mail once.
 */
export async function notify(
  userId: Id,
  input: NotificationInput,
  now = new Date(),
): Promise<{ created: boolean }> {
  const link = input.link ?? null;
  if (link !== null && !isLocalPath(link)) throw new Error(`notification link must be a local path: ${link}`);
  const dedupeKey = input.dedupeKey ?? `once:${new Types.ObjectId().toHexString()}`;
  const params = Object.fromEntries(Object.entries(input.params ?? {}).map(([k, v]) => [k, String(v)]));
  try {
    const res = await NotificationModel.updateOne(
      { dedupeKey },
      {
        $setOnInsert: {
          user: new Types.ObjectId(String(userId)),
          kind: input.kind,
          titleKey: input.titleKey,
          params,
          link,
          createdAt: now,
          readAt: null,
        },
      },
      { upsert: true },
    );
    return { created: res.upsertedCount === 1 };
  } catch (err) {
    // Two inserts racing on MongoDB: the unique index lets one win; the other has nothing to do.
    if (isDuplicateKey(err)) return { created: false };
    throw err;
  }
}

/**
 * Counting stops here: the bell shows "99+" beyond it. The count runs on every page, and on
 * FerretDB it decodes each unread notification it counts; the cap bounds that (and, with the
 * stored `unread` flag, PostgreSQL stops scanning once it has found this many).
 */
export const UNREAD_COUNT_CAP = 100;

/**
 * Sets `unread` on notifications written before it existed (once per database, see backfillOnce).
 */
export async function backfillUnreadFlags(): Promise<void> {
  const missing = { unread: trusted({ $exists: false }) };
  await NotificationModel.collection.updateMany({ ...missing, readAt: null }, { $set: { unread: true } });
  await NotificationModel.collection.updateMany(missing, { $set: { unread: false } });
}

function unreadOf(userId: Id) {
  return backfillOnce('backfill:notifications.unread', backfillUnreadFlags).then(() => ({
    user: new Types.ObjectId(String(userId)),
    unread: true,
  }));
}

/** The user's unread notifications, counted up to UNREAD_COUNT_CAP. */
export async function unreadCount(userId: Id): Promise<number> {
  return NotificationModel.countDocuments(await unreadOf(userId), { limit: UNREAD_COUNT_CAP });
}

/** The user's newest unread notifications. */
export async function newestUnread(
  userId: Id,
  limit: number,
): Promise<Pick<Notification, '_id' | 'titleKey' | 'params' | 'link' | 'createdAt'>[]> {
  return NotificationModel.find(await unreadOf(userId), { titleKey: 1, params: 1, link: 1, createdAt: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit)
    .lean();
}

/** The user's notifications, newest first, keyset-paginated on (createdAt, _id). */
export async function listNotifications(
  userId: Id,
  after: string | undefined,
  limit = NOTIFICATIONS_PAGE_SIZE,
): Promise<Page<Notification>> {
  const user = new Types.ObjectId(String(userId));
  const cursor = decodeCursor(after);
  const query: Record<string, unknown> = { user };
  if (cursor) {
    const at = new Date(Number(cursor.v ?? 0));
    const id = new Types.ObjectId(cursor.id);
    query.$or = [{ createdAt: trusted({ $lt: at }) }, { createdAt: at, _id: trusted({ $lt: id }) }];
  }
  const rows = await NotificationModel.find(query)
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit + 1)
    .lean<Notification[]>();
  return toPage(rows, limit, (n) => n.createdAt.getTime());
}

/** Marks one of the user's own notifications read; someone else's is not found. Returns its link. */
export async function markRead(id: Id, userId: Id, now = new Date()): Promise<string | null> {
  if (!Types.ObjectId.isValid(String(id))) throw new NotFoundError();
  const filter = { _id: new Types.ObjectId(String(id)), user: new Types.ObjectId(String(userId)) };
  const found = await NotificationModel.findOne(filter, { link: 1, readAt: 1 }).lean();
  if (!found) throw new NotFoundError();
  if (!found.readAt)
    await NotificationModel.updateOne({ ...filter, unread: true }, { $set: { readAt: now } });
  return found.link ?? null;
}

export async function markAllRead(userId: Id, now = new Date()): Promise<number> {
  const res = await NotificationModel.updateMany(await unreadOf(userId), { $set: { readAt: now } });
  return res.modifiedCount;
}
