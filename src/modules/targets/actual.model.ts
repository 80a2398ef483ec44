import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/short-cache.js';

/** How a monthly figure was entered. */
export const ACTUAL_SOURCES = ['form', 'csv', 'seed'] as const;
export type ActualSource = (typeof ACTUAL_SOURCES)[number];

const actualSchema = new Schema(
  {
    market: { type: Schema.Types.ObjectId, ref: 'TargetMarket', required: true },
    year: { type: Number, required: true },
    month: { type: Number, required: true, min: 1, max: 12 },
    // year * 100 + month (202603), stored on write: one sortable key, no date operators needed.
    yearMonth: { type: Number, required: true },
    visitors: { type: Number, required: true, min: 0 },
    source: { type: String, enum: ACTUAL_SOURCES, required: true },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true, collection: 'targetactuals' },
);

// One figure per market and month: entering it again replaces it, never adds to it.
actualSchema.index({ market: 1, yearMonth: 1 }, { unique: true });
actualSchema.index({ yearMonth: 1 });

export type Actual = InferSchemaType<typeof actualSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading targets are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(actualSchema, 'targets');

export const ActualModel = model('TargetActual', actualSchema);

export const toYearMonth = (year: number, month: number) => year * 100 + month;
