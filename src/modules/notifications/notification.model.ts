import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { keepStoredFlag } from '../../lib/db/stored-flag.js';

const notificationSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, required: true, maxlength: 60 },
    // Translated when shown, in the reader's language; params are plain strings (escaped on output).
    titleKey: { type: String, required: true, maxlength: 120 },
    params: { type: Schema.Types.Mixed, default: () => ({}) },
    // A path inside the app (never another site).
    link: { type: String, default: null, maxlength: 500 },
    createdAt: { type: Date, required: true, default: () => new Date() },
    readAt: { type: Date, default: null },
    // readAt == null, kept by keepStoredFlag: every page counts the viewer's unread ones.
    unread: { type: Boolean, default: true },
    // One notification per key however often (or in however many instances) it is sent.
    dedupeKey: { type: String, required: true, maxlength: 200 },
  },
  { versionKey: false, collection: 'notifications' },
);

notificationSchema.index({ dedupeKey: 1 }, { unique: true });
// The header bell counts unread ones on every page; the dashboard lists the newest of them.
notificationSchema.index({ user: 1, unread: 1, createdAt: -1 });
notificationSchema.index({ user: 1, createdAt: -1, _id: -1 });
keepStoredFlag(notificationSchema, 'unread', 'readAt', (at) => at == null);

export type Notification = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
export const NotificationModel = model('Notification', notificationSchema);
