import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

export const PLAQUE_KINDS = ['regional_marketing', 'image_sales_point', 'student_practice_base'] as const;
export type PlaqueKind = (typeof PLAQUE_KINDS)[number];

export const PLAQUE_STATUSES = ['active', 'expired', 'revoked'] as const;
export type PlaqueStatus = (typeof PLAQUE_STATUSES)[number];

/**
 * A plaque the alliance awarded to a partner. Days (awardedAt, validUntil) are calendar days
 * stored as UTC midnight, like event days. `partnerCountry` and `year` are copied on write so
 * the list filters on indexed fields (FerretDB has no $lookup or date operators).
 */
const plaqueSchema = new Schema(
  {
    kind: { type: String, required: true, enum: PLAQUE_KINDS },
    serial: { type: String, required: true },
    partner: { type: Schema.Types.ObjectId, ref: 'Partner', required: true },
    partnerCountry: { type: String, required: true },
    event: { type: Schema.Types.ObjectId, ref: 'Event', default: null },
    awardedAt: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    year: { type: Number, required: true },
    status: { type: String, required: true, enum: PLAQUE_STATUSES, default: 'active' },
    notes: { type: String, trim: true, maxlength: 2000, default: null },
    awardedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    expiredAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    revokeReason: { type: String, trim: true, maxlength: 1000, default: null },
  },
  { timestamps: true, collection: 'plaques' },
);

plaqueSchema.index({ serial: 1 }, { unique: true });
plaqueSchema.index({ awardedAt: -1, _id: -1 });
plaqueSchema.index({ partner: 1, awardedAt: -1 });
plaqueSchema.index({ event: 1, awardedAt: -1 });
plaqueSchema.index({ status: 1, validUntil: 1 });
// The list's equality filters, newest award first.
for (const field of ['kind', 'status', 'partnerCountry', 'year'] as const) {
  plaqueSchema.index({ [field]: 1, awardedAt: -1, _id: -1 });
}

export type Plaque = InferSchemaType<typeof plaqueSchema> & {
  _id: Types.ObjectId;
  kind: PlaqueKind;
  status: PlaqueStatus;
  createdAt: Date;
  updatedAt: Date;
};
export const PlaqueModel = model('Plaque', plaqueSchema);
