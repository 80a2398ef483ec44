import { Schema, model, type InferSchemaType, type Types } from 'mongoose';

/**
 * A personal API token. Only the SHA-256 hash of the secret is stored (the secret is shown
 * once, when created); `prefix` lets its owner recognise it in the list.
 */
const apiTokenSchema = new Schema(
  {
    user: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    name: { type: String, required: true, trim: true, maxlength: 100 },
    tokenHash: { type: String, required: true },
    prefix: { type: String, required: true },
    lastUsedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'apitokens' },
);

apiTokenSchema.index({ tokenHash: 1 }, { unique: true });
apiTokenSchema.index({ user: 1, createdAt: -1 });

export type ApiToken = InferSchemaType<typeof apiTokenSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
export const ApiTokenModel = model('ApiToken', apiTokenSchema);

/**
 * Requests counted per token and minute, for the rate limit. Kept in the database so every
 * instance counts against the same limit; old windows are removed by the api.purgeRateWindows job.
 */
const rateWindowSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    windowStart: { type: Date, required: true },
  },
  { versionKey: false, collection: 'apiratewindows' },
);
rateWindowSchema.index({ windowStart: 1 });

export const RateWindowModel = model('ApiRateWindow', rateWindowSchema);
