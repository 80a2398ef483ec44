import type { Types } from 'mongoose';
import { insertWithSequence } from '../../src/lib/counters.js';
import {
  ELIGIBLE_TYPE,
  formatSerial,
  PlaqueModel,
  serialSequenceKey,
  type Plaque,
  type PlaqueKind,
  type PlaqueStatus,
} from '../../src/modules/plaques/index.js';
import { createPartner } from './partner.js';

export interface PlaqueOverrides {
  kind?: PlaqueKind;
  partner?: Types.ObjectId;
  partnerCountry?: string;
  event?: Types.ObjectId | null;
  /** Calendar days as YYYY-MM-DD (stored as UTC midnight). */
  awardedAt?: string;
  validUntil?: string;
  status?: PlaqueStatus;
  notes?: string | null;
  awardedBy?: Types.ObjectId | null;
  revokeReason?: string | null;
  revokedBy?: Types.ObjectId | null;
}

const day = (text: string): Date => new Date(`${text}T00:00:00.000Z`);

/**
 * Inserts a plaque directly, with a serial from the same sequence the service uses; without a
 * partner, an eligible one is created for it.
 */
export async function createPlaque(overrides: PlaqueOverrides = {}): Promise<Plaque> {
  const kind = overrides.kind ?? 'image_sales_point';
  let partner = overrides.partner;
  let partnerCountry = overrides.partnerCountry ?? 'TH';
  if (!partner) {
    const p = await createPartner({ type: ELIGIBLE_TYPE[kind], country: partnerCountry });
    partner = p._id;
    partnerCountry = p.country;
  }
  const awardedAt = day(overrides.awardedAt ?? '2025-11-17');
  const validUntil = day(overrides.validUntil ?? '2028-11-16');
  const year = awardedAt.getUTCFullYear();
  const status = overrides.status ?? 'active';
  const doc = await insertWithSequence(serialSequenceKey(kind, year), (seq) =>
    PlaqueModel.create({
      kind,
      serial: formatSerial(kind, year, seq),
      partner,
      partnerCountry,
      event: overrides.event ?? null,
      awardedAt,
      validUntil,
      year,
      status,
      notes: overrides.notes ?? null,
      awardedBy: overrides.awardedBy ?? null,
      revokedAt: status === 'revoked' ? new Date() : null,
      revokedBy: overrides.revokedBy ?? null,
      revokeReason: status === 'revoked' ? (overrides.revokeReason ?? 'Test revocation') : null,
      expiredAt: status === 'expired' ? new Date() : null,
    }),
  );
  return doc.toObject() as Plaque;
}
