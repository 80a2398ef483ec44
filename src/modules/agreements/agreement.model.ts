import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { STAGES } from './stages.js';
import { invalidateOnWrite } from '../../lib/short-cache.js';

export const CATEGORIES = [
  'scenic_channel',
  'cruise_channel',
  'government_soe_project',
  'market_entity_project',
  'mou',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

const stageChangeSchema = new Schema(
  {
    from: { type: String, enum: [...STAGES, null], default: null },
    to: { type: String, enum: STAGES, required: true },
    at: { type: Date, required: true },
    // null: the system (the expiry job).
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    note: { type: String, default: null, maxlength: 2000 },
  },
  { _id: false },
);

const attachmentSchema = new Schema(
  {
    fileId: { type: Schema.Types.ObjectId, required: true },
    filename: { type: String, required: true, maxlength: 255 },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    uploadedAt: { type: Date, required: true },
    by: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { _id: false },
);

const agreementSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    category: { type: String, required: true, enum: CATEGORIES },
    partners: { type: [Schema.Types.ObjectId], ref: 'Partner', required: true },
    owner: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    value: {
      amount: { type: Number, default: null, min: 0 },
      currency: { type: String, default: null, match: /^[A-Z]{3}$/ },
    },
    stage: { type: String, required: true, enum: STAGES, default: 'lead' },
    // Bumped by every stage change: a change is applied only to the version it was decided on.
    stageVersion: { type: Number, required: true, default: 0 },
    stageChangedAt: { type: Date, required: true },
    stageHistory: { type: [stageChangeSchema], default: [] },
    expectedSignAt: { type: Date, default: null },
    signedAt: { type: Date, default: null },
    effectiveFrom: { type: Date, default: null },
    expiresAt: { type: Date, default: null },
    event: { type: Schema.Types.ObjectId, ref: 'Event', default: null },
    notes: { type: String, default: null, maxlength: 5000 },
    attachments: { type: [attachmentSchema], default: [] },
    renewalOf: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    renewedBy: { type: Schema.Types.ObjectId, ref: 'Agreement', default: null },
    // Reminder bookkeeping: keys of the reminders already sent (the notification's dedupe key is the guard).
    remindersSent: { type: [String], default: [] },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },

    // Derived on every write, never from input: filters and metrics without $lookup or date operators.
    titleKey: { type: String, required: true },
    partnerCountries: { type: [String], default: [] },
    partnerTypes: { type: [String], default: [] },
    signedQuarter: { type: String, default: null },
  },
  { timestamps: true, collection: 'agreements' },
);

// The list: newest first, optionally narrowed by one equality filter; _id breaks ties for the cursor.
agreementSchema.index({ createdAt: -1, _id: -1 });
agreementSchema.index({ stage: 1, createdAt: -1, _id: -1 });
agreementSchema.index({ owner: 1, createdAt: -1, _id: -1 });
agreementSchema.index({ category: 1, createdAt: -1, _id: -1 });
agreementSchema.index({ partners: 1, createdAt: -1 });
agreementSchema.index({ event: 1, createdAt: -1 });
agreementSchema.index({ partnerCountries: 1, createdAt: -1, _id: -1 });
agreementSchema.index({ partnerTypes: 1, createdAt: -1, _id: -1 });
// Board columns and ageing: a stage, then how long it has been there.
agreementSchema.index({ stage: 1, stageChangedAt: 1 });
// Jobs: expiry and reminders scan by date within open stages.
agreementSchema.index({ stage: 1, expiresAt: 1 });
agreementSchema.index({ stage: 1, expectedSignAt: 1 });
agreementSchema.index({ signedAt: 1 });
agreementSchema.index({ 'stageHistory.at': 1 });

export type StageChange = InferSchemaType<typeof stageChangeSchema>;
export type Attachment = InferSchemaType<typeof attachmentSchema>;
export type Agreement = Omit<InferSchemaType<typeof agreementSchema>, 'stageHistory' | 'attachments'> & {
  _id: Types.ObjectId;
  stageHistory: StageChange[];
  attachments: Attachment[];
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading agreements are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(agreementSchema, 'agreements');

export const AgreementModel = model('Agreement', agreementSchema);

/** One claim per (agreement, version) or (agreement, renewal): a unique key decides races. */
const claimSchema = new Schema(
  {
    key: { type: String, required: true, maxlength: 100 },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'agreementClaims' },
);
claimSchema.index({ key: 1 }, { unique: true });
export const AgreementClaimModel = model('AgreementClaim', claimSchema);
