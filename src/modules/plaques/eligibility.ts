import type { PartnerType } from '../partners/index.js';
import type { PlaqueKind } from './plaque.model.js';

/** Which partner type may receive which plaque (SPEC "Plaque"): the one rule table. */
export const ELIGIBLE_TYPE: Readonly<Record<PlaqueKind, PartnerType>> = {
  regional_marketing: 'distributor_domestic',
  image_sales_point: 'distributor_international',
  student_practice_base: 'university',
};

export function isEligible(kind: PlaqueKind, partnerType: string): boolean {
  return ELIGIBLE_TYPE[kind] === partnerType;
}

/** The plaque a partner of this type can receive, or null for the types no plaque is for. */
export function kindForPartnerType(partnerType: string): PlaqueKind | null {
  const entry = Object.entries(ELIGIBLE_TYPE).find(([, type]) => type === partnerType);
  return entry ? (entry[0] as PlaqueKind) : null;
}
