import { expect } from 'chai';
import { seedAgreements } from '../../scripts/seed/agreements.js';
import { seedContactsAndEvents } from '../../scripts/seed/contacts-events.js';
import { seedPartners } from '../../scripts/seed/partners.js';
import { AgreementModel, STAGES } from '../../src/modules/agreements/index.js';
import { useTestApp } from '../support/db.js';
import { createUser } from '../factories/user.js';

describe('agreements: demo seed', () => {
  useTestApp();

  it('when the seed runs twice, then a dozen agreements exist once, in every stage, each with at least one partner and a history ending at its stage', async function () {
    this.timeout(60_000);
    await createUser({ email: 'coordinator@alliance.example', role: 'coordinator' });
    await createUser({ email: 'manager@alliance.example', role: 'manager' });
    await seedPartners();
    await seedContactsAndEvents();
    await seedAgreements();
    await seedAgreements();
    const all = await AgreementModel.find().lean();
    expect(all).to.have.length(12);
    expect(new Set(all.map((a) => a.stage))).to.deep.equal(new Set(STAGES));
    for (const a of all) {
      expect(a.partners.length, a.title).to.be.greaterThan(0);
      expect(a.stageHistory[a.stageHistory.length - 1]!.to, a.title).to.equal(a.stage);
      if (['signed', 'active', 'expired', 'terminated'].includes(a.stage))
        expect(a.signedAt, a.title).to.not.equal(null);
    }
  });
});
