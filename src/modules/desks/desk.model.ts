import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/** Case priorities, lowest first (SPEC "ComplaintCase"). Each desk has an SLA per priority. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** Complaint categories (SPEC "ComplaintCase"); routing rules match on them. */
export const CASE_CATEGORIES = [
  'tour_quality',
  'forced_shopping',
  'pricing',
  'transport',
  'accommodation',
  'safety',
  'visa_entry',
  'lost_property',
  'other',
] as const;
export type CaseCategory = (typeof CASE_CATEGORIES)[number];

const slaEntry = new Schema(
  {
    ackHours: { type: Number, required: true, min: 0 },
    resolveHours: { type: Number, required: true, min: 0 },
  },
  { _id: false },
);

const deskSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 80 },
    // Normalised name (NFKC, trimmed, single spaces, lower case) under a unique index.
    nameKey: { type: String, required: true },
    lead: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    timeZone: { type: String, required: true },
    sla: {
      low: { type: slaEntry, required: true },
      normal: { type: slaEntry, required: true },
      high: { type: slaEntry, required: true },
      urgent: { type: slaEntry, required: true },
    },
    isDefault: { type: Boolean, default: false },
    // A breach raises the case's priority one step (policy choice per desk, off by default).
    raiseOnBreach: { type: Boolean, default: false },
    archivedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'desks' },
);

deskSchema.index({ nameKey: 1 }, { unique: true });
deskSchema.index({ isDefault: 1 });

/** ackHours and resolveHours of one priority. */
export interface SlaHours {
  ackHours: number;
  resolveHours: number;
}
export type SlaPolicy = Record<Priority, SlaHours>;
export type Desk = Omit<InferSchemaType<typeof deskSchema>, 'sla'> & { _id: Types.ObjectId; sla: SlaPolicy };
export const DeskModel = model('Desk', deskSchema);

export function deskNameKey(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}
