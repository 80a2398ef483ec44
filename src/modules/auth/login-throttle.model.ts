import { Schema, model } from 'mongoose';

/** Sign-in attempts per key (ip|email) in a fixed window; kept in the database so all instances share it. */
const loginThrottleSchema = new Schema(
  {
    key: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    windowStartedAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'loginthrottles' },
);
loginThrottleSchema.index({ key: 1 }, { unique: true });
loginThrottleSchema.index({ windowStartedAt: 1 });

export const LoginThrottleModel = model('LoginThrottle', loginThrottleSchema);
