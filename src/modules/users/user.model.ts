import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { config, LOCALES } from '../../config/index.js';
import { ROLES } from '../../lib/permissions.js';

const userSchema = new Schema(
  {
    // Stored normalised (trimmed, NFKC, lower case): the unique index is then case-insensitive
    // without collation indexes, which FerretDB lacks.
    email: { type: String, required: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    role: { type: String, required: true, enum: ROLES },
    desks: { type: [Schema.Types.ObjectId], ref: 'Desk', default: [] },
    locale: { type: String, enum: LOCALES, default: () => config.defaultLocale },
    timeZone: { type: String, default: () => config.defaultTimeZone },
    passwordHash: { type: String, required: true },
    passwordChangedAt: { type: Date, default: () => new Date() },
    disabledAt: { type: Date, default: null },
    failedLoginCount: { type: Number, default: 0 },
    lockedUntil: { type: Date, default: null },
    lastLoginAt: { type: Date, default: null },
  },
  { timestamps: true, collection: 'users' },
);

userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ role: 1, name: 1 });
userSchema.index({ name: 1, _id: 1 });

export type User = InferSchemaType<typeof userSchema> & { _id: Types.ObjectId };
export const UserModel = model('User', userSchema);

/** Fields safe to load for pages and the session (never the hash or lockout counters). */
export const PUBLIC_USER_FIELDS = {
  email: 1,
  name: 1,
  role: 1,
  desks: 1,
  locale: 1,
  timeZone: 1,
  disabledAt: 1,
  lastLoginAt: 1,
  lockedUntil: 1,
  createdAt: 1,
} as const;

export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
