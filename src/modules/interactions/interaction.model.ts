import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/short-cache.js';
import { keepStoredFlag } from '../../lib/db/stored-flag.js';

export const INTERACTION_KINDS = ['meeting', 'call', 'email', 'visit', 'event', 'message'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const SUMMARY_MAX = 5000;
export const CONTACTS_MAX = 50;

const interactionSchema = new Schema(
  {
    partner: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    // Copied from the partner when written (and kept right on partner updates and merges), so
    // the global list filters by partner type and country without a join.
    partnerType: { type: String, required: true },
    partnerCountry: { type: String, required: true },
    contacts: { type: [Schema.Types.ObjectId], ref: 'Contact', default: [] },
    kind: { type: String, required: true, enum: INTERACTION_KINDS },
    occurredAt: { type: Date, required: true },
    summary: { type: String, required: true, maxlength: SUMMARY_MAX },
    by: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    event: { type: Schema.Types.ObjectId, ref: 'Event', default: null },

    followUpAt: { type: Date, default: null },
    followUpAssignee: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    followUpDone: { type: Boolean, default: false },
    followUpDoneAt: { type: Date, default: null },
    followUpDoneBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    // Reminder state. followUpRemindAt is when the next reminder is due (null: none pending);
    // the reminder job claims a follow-up by moving it atomically, so one reminder goes out per
    // due date even with two app instances. followUpNotifiedFor is the due date last reminded.
    followUpRemindAt: { type: Date, default: null },
    followUpNotifiedFor: { type: Date, default: null },
    // followUpRemindAt != null, kept by the hooks below. The reminder job runs every minute and
    // FerretDB v1 hands PostgreSQL an equality but not a date range: without this flag each run
    // decoded every interaction ever logged (10 s a run at 100k interactions).
    followUpReminderPending: { type: Boolean, default: false },

    // Soft delete: nothing is lost, deleted interactions leave every list.
    deletedAt: { type: Date, default: null },
    deletedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true, collection: 'interactions' },
);

// Newest first, keyset on (occurredAt, _id): the partner timeline, the event page, and the
// global list with each of its equality filters.
for (const key of ['partner', 'event', 'by', 'kind', 'partnerType', 'partnerCountry'] as const) {
  interactionSchema.index({ [key]: 1, deletedAt: 1, occurredAt: -1, _id: -1 });
}
interactionSchema.index({ deletedAt: 1, occurredAt: -1, _id: -1 });
// Follow-ups: open ones by due date, done ones by when they were done; per assignee or all.
interactionSchema.index({ followUpAssignee: 1, followUpDone: 1, deletedAt: 1, followUpAt: 1, _id: 1 });
interactionSchema.index({ followUpAssignee: 1, followUpDone: 1, deletedAt: 1, followUpDoneAt: -1, _id: -1 });
interactionSchema.index({ followUpDone: 1, deletedAt: 1, followUpAt: 1, _id: 1 });
interactionSchema.index({ followUpDone: 1, deletedAt: 1, followUpDoneAt: -1, _id: -1 });
interactionSchema.index({ followUpReminderPending: 1, followUpRemindAt: 1 });

// The reminder job asks for the flag rather than `followUpRemindAt <= now` (see keepStoredFlag).
keepStoredFlag(interactionSchema, 'followUpReminderPending', 'followUpRemindAt', (at) => at != null);

export type Interaction = InferSchemaType<typeof interactionSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading interactions are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(interactionSchema, 'interactions');

export const InteractionModel = model('Interaction', interactionSchema);
