import type { Types } from 'mongoose';
import { NotificationModel, type Notification } from '../../src/modules/notifications/index.js';

let seq = 0;

export async function createNotification(
  user: Types.ObjectId,
  overrides: Partial<
    Pick<Notification, 'kind' | 'titleKey' | 'params' | 'link' | 'createdAt' | 'readAt' | 'dedupeKey'>
  > = {},
): Promise<Notification> {
  seq += 1;
  const doc = await NotificationModel.create({
    user,
    kind: 'followup.due',
    titleKey: 'notifications.kinds.followUpDue',
    params: { partner: `Partner ${seq}`, summary: `Summary ${seq}` },
    link: '/follow-ups',
    createdAt: new Date(),
    readAt: null,
    dedupeKey: `test:${seq}:${Math.random().toString(36).slice(2)}`,
    ...overrides,
  });
  return doc.toObject() as Notification;
}
