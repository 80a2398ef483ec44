import { expect } from 'chai';
import { ValidationError } from '../../src/lib/errors.js';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { PARTNER_TYPES } from '../../src/modules/partners/index.js';
import {
  awardPlaque,
  ELIGIBLE_TYPE,
  isEligible,
  kindForPartnerType,
  PLAQUE_KINDS,
  PlaqueModel,
} from '../../src/modules/plaques/index.js';
import { useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';

const EXPECTED: Record<string, string> = {
  regional_marketing: 'distributor_domestic',
  image_sales_point: 'distributor_international',
  student_practice_base: 'university',
};

describe('plaques: eligibility (every kind × every partner type)', () => {
  useTestApp();

  it('when the rule table is read, then each kind names exactly the partner type SPEC gives it', () => {
    expect(ELIGIBLE_TYPE).to.deep.equal(EXPECTED);
    for (const kind of PLAQUE_KINDS) {
      for (const type of PARTNER_TYPES)
        expect(isEligible(kind, type), `${kind} × ${type}`).to.equal(EXPECTED[kind] === type);
    }
    expect(kindForPartnerType('university')).to.equal('student_practice_base');
    expect(kindForPartnerType('airline')).to.equal(null);
  });

  it('when each kind is awarded to a partner of each type, then only the eligible pair is stored and every other is refused on the partner field', async function () {
    this.timeout(60_000);
    const outcomes: string[] = [];
    for (const type of PARTNER_TYPES) {
      const partner = await createPartner({ type, country: 'VN' });
      for (const kind of PLAQUE_KINDS) {
        const input = {
          kind,
          partner: partner._id.toHexString(),
          event: null,
          awardedAt: '2025-11-17',
          validUntil: '2028-11-16',
          notes: null,
        };
        try {
          const plaque = await awardPlaque(input, null, SYSTEM);
          outcomes.push(`${kind}×${type}=ok:${plaque.kind}`);
        } catch (err) {
          expect(err).to.be.instanceOf(ValidationError);
          expect((err as ValidationError).fields).to.deep.equal({
            partner: `plaques.errors.ineligible.${kind}`,
          });
          outcomes.push(`${kind}×${type}=refused`);
        }
      }
    }
    const expected = PARTNER_TYPES.flatMap((type) =>
      PLAQUE_KINDS.map((kind) =>
        EXPECTED[kind] === type ? `${kind}×${type}=ok:${kind}` : `${kind}×${type}=refused`,
      ),
    );
    expect(outcomes).to.deep.equal(expected);
    expect(await PlaqueModel.countDocuments({})).to.equal(3);
  });
});
