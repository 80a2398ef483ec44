import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** An exchange meeting or conference; partners and contacts met there are linked to it. */
const eventSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    nameLocal: { type: String, trim: true, maxlength: 200, default: null },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, default: null },
    city: { type: String, trim: true, maxlength: 100, default: null },
    country: { type: String, match: /^[A-Z]{2}$/, default: null },
    description: { type: String, trim: true, maxlength: 5000, default: null },
    partners: { type: [Schema.Types.ObjectId], ref: 'Partner', default: [] },
    contacts: { type: [Schema.Types.ObjectId], ref: 'Contact', default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    archivedAt: { type: Date, default: null },
    // Derived on write: search keys, and the event's last day (endsAt, else startsAt) for
    // "upcoming" (not over yet) versus "past".
    searchTokens: { type: [String], default: [] },
    lastDay: { type: Date, default: null },
  },
  { timestamps: true, collection: 'events' },
);

// Dates are calendar days stored as UTC midnight (see events/dates.ts).
eventSchema.index({ archivedAt: 1, startsAt: -1, _id: -1 });
eventSchema.index({ archivedAt: 1, lastDay: 1, startsAt: 1, _id: 1 });
eventSchema.index({ archivedAt: 1, country: 1, startsAt: -1, _id: -1 });
eventSchema.index({ partners: 1, startsAt: -1 });
eventSchema.index({ contacts: 1 });
eventSchema.index({ searchTokens: 1 });

export type CrmEvent = InferSchemaType<typeof eventSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const EventModel = model('Event', eventSchema);
