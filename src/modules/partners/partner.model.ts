import { Schema, model, type InferSchemaType, type Types } from 'mongoose';
import { nameKey, searchTokens, tagKey, websiteHost } from './normalise.js';
import { invalidateOnWrite } from '../../lib/short-cache.js';
import { keepPartnerKeys } from './partner-keys.js';

export const PARTNER_TYPES = [
  'airline',
  'tourism_board',
  'university',
  'distributor_domestic',
  'distributor_international',
  'cruise_line',
  'scenic_area',
  'travel_agency',
  'hotel',
  'government',
  'enterprise',
  'media',
  'other',
] as const;
export type PartnerType = (typeof PARTNER_TYPES)[number];

export const ALLIANCE_STATUSES = ['prospect', 'intent', 'member', 'suspended', 'former'] as const;
export type AllianceStatus = (typeof ALLIANCE_STATUSES)[number];

const partnerSchema = new Schema(
  {
    name: { type: String, required: true, trim: true, maxlength: 200 },
    nameLocal: { type: String, trim: true, maxlength: 200, default: null },
    type: { type: String, required: true, enum: PARTNER_TYPES },
    country: { type: String, required: true, match: /^[A-Z]{2}$/ },
    city: { type: String, trim: true, maxlength: 100, default: null },
    website: { type: String, trim: true, maxlength: 300, default: null },
    email: { type: String, trim: true, lowercase: true, maxlength: 254, default: null },
    phone: { type: String, trim: true, maxlength: 50, default: null },
    allianceStatus: { type: String, required: true, enum: ALLIANCE_STATUSES, default: 'prospect' },
    tags: { type: [String], default: [] },
    owner: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    lastInteractionAt: { type: Date, default: null },
    archivedAt: { type: Date, default: null },
    mergedInto: { type: Schema.Types.ObjectId, ref: 'Partner', default: null },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', default: null },

    // Derived on every write (see derivePartnerKeys); never set from input.
    nameKey: { type: String, required: true },
    sortName: { type: String, required: true },
    websiteHost: { type: String, default: null },
    tagKeys: { type: [String], default: [] },
    searchTokens: { type: [String], default: [] },
    // Sort key that puts partners never contacted last in "last interaction" order.
    lastInteractionSort: { type: Date, default: () => new Date(0) },
  },
  { timestamps: true, collection: 'partners' },
);

// List pages: live partners, an optional equality filter, then the sort key and _id as the
// cursor tie-breaker. Keyset pagination walks these without skip.
for (const sort of ['sortName', 'lastInteractionSort', 'createdAt'] as const) {
  partnerSchema.index({ archivedAt: 1, [sort]: 1, _id: 1 });
  partnerSchema.index({ archivedAt: 1, owner: 1, [sort]: 1, _id: 1 });
}
// Each equality filter with each sort (a filtered list sorted by last interaction or newest
// would otherwise sort every matching partner in memory on MongoDB).
for (const field of ['country', 'type', 'allianceStatus'] as const) {
  for (const sort of ['sortName', 'lastInteractionSort', 'createdAt'] as const) {
    partnerSchema.index({ archivedAt: 1, [field]: 1, [sort]: 1, _id: 1 });
  }
}
partnerSchema.index({ tagKeys: 1 });
partnerSchema.index({ searchTokens: 1 });
partnerSchema.index({ nameKey: 1 });
partnerSchema.index({ websiteHost: 1 });

export type Partner = InferSchemaType<typeof partnerSchema> & {
  _id: Types.ObjectId;
  createdAt: Date;
  updatedAt: Date;
};
// Dashboard tiles reading partners are cached for a minute; writes outdate them (lib/short-cache).
invalidateOnWrite(partnerSchema, 'partners');
keepPartnerKeys(partnerSchema);

export const PartnerModel = model('Partner', partnerSchema);

/** The derived keys for a partner's fields; services $set these with every change. */
export function derivePartnerKeys(p: {
  name: string;
  nameLocal?: string | null;
  website?: string | null;
  tags?: string[];
  lastInteractionAt?: Date | null;
}): Pick<
  Partner,
  'nameKey' | 'sortName' | 'websiteHost' | 'tagKeys' | 'searchTokens' | 'lastInteractionSort'
> {
  const host = websiteHost(p.website);
  const tags = p.tags ?? [];
  return {
    nameKey: nameKey(p.name),
    sortName: p.name.normalize('NFKC').toLowerCase(),
    websiteHost: host,
    tagKeys: tags.map(tagKey),
    searchTokens: searchTokens([p.name, p.nameLocal, host, ...tags]),
    lastInteractionSort: p.lastInteractionAt ?? new Date(0),
  };
}
