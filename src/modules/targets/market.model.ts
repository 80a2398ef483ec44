import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { invalidateOnWrite } from '../../lib/short-cache.js';

/** Chongqing is not a country: the plan names it with its ISO 3166-2 subdivision code. */
export const CHONGQING = 'CN-CQ';

const marketSchema = new Schema(
  {
    origin: { type: String, required: true, maxlength: 5 },
    destination: { type: String, required: true, maxlength: 5 },
    // `${origin}>${destination}`: one market per ordered pair.
    pairKey: { type: String, required: true },
    baselineYear: { type: Number, required: true },
    baselineVisitors: { type: Number, required: true, min: 1 },
    multiplier: { type: Number, required: true, default: 2 },
    targetYear: { type: Number, required: true },
    owner: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    notes: { type: String, maxlength: 2000, default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },
  },
  { timestamps: true, collection: 'targetmarkets' },
);

marketSchema.index({ pairKey: 1 }, { unique: true });

export type Market = InferSchemaType<typeof marketSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading targets are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(marketSchema, 'targets');

export const MarketModel = model('TargetMarket', marketSchema);

export const pairKey = (origin: string, destination: string) => `${origin}>${destination}`;
