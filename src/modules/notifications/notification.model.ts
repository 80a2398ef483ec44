import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

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
    // One notification per key however often (or in however many instances) it is sent.
    dedupeKey: { type: String, required: true, maxlength: 200 },
  },
  { versionKey: false, collection: 'notifications' },
);

notificationSchema.index({ dedupeKey: 1 }, { unique: true });
// The header bell counts unread ones on every page.
notificationSchema.index({ user: 1, readAt: 1 });
notificationSchema.index({ user: 1, createdAt: -1, _id: -1 });

export type Notification = InferSchemaType<typeof notificationSchema> & { _id: Types.ObjectId };
export const NotificationModel = model('Notification', notificationSchema);
