import type { Types } from 'mongoose';
import {
  derivePartnerKeys,
  PartnerModel,
  type Partner,
  type PartnerType,
} from '../../src/modules/partners/index.js';

let seq = 0;

export interface PartnerOverrides {
  name?: string;
  nameLocal?: string | null;
  type?: PartnerType;
  country?: string;
  city?: string | null;
  website?: string | null;
  email?: string | null;
  allianceStatus?: Partner['allianceStatus'];
  tags?: string[];
  owner?: Types.ObjectId | null;
  lastInteractionAt?: Date | null;
  archivedAt?: Date | null;
  createdAt?: Date;
}

export function buildPartner(overrides: PartnerOverrides = {}) {
  seq += 1;
  const base = {
    name: `Partner ${seq} ${Math.random().toString(36).slice(2, 7)}`,
    nameLocal: null,
    type: 'travel_agency' as PartnerType,
    country: 'TH',
    city: 'Bangkok',
    website: null,
    email: null,
    phone: null,
    allianceStatus: 'prospect' as const,
    tags: [] as string[],
    owner: null,
    lastInteractionAt: null,
    archivedAt: null,
    ...overrides,
  };
  return { ...base, ...derivePartnerKeys(base) };
}

/** Inserts a partner directly, with its derived search and duplicate keys. */
export async function createPartner(overrides: PartnerOverrides = {}): Promise<Partner> {
  const doc = await PartnerModel.create(buildPartner(overrides));
  return doc.toObject() as Partner;
}
