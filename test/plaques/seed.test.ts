import { expect } from 'chai';
import { PLAQUE_KINDS, PLAQUE_STATUSES, PlaqueModel } from '../../src/modules/plaques/index.js';
import { seedContactsAndEvents } from '../../scripts/seed/contacts-events.js';
import { seedPartners } from '../../scripts/seed/partners.js';
import { seedPlaques } from '../../scripts/seed/plaques.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createUser } from '../factories/user.js';

describe('plaques: demo data', () => {
  useTestApp();

  it('when the seed runs twice, then there are plaques of every kind and every status, added once', async function () {
    this.timeout(120_000);
    await clearDatabase();
    await createUser({ email: 'manager@alliance.example', role: 'manager' });
    await seedPartners();
    await seedContactsAndEvents();
    await seedPlaques();
    const count = await PlaqueModel.countDocuments({});
    await seedPlaques();
    expect(await PlaqueModel.countDocuments({})).to.equal(count);
    for (const kind of PLAQUE_KINDS) {
      expect(await PlaqueModel.countDocuments({ kind }), kind).to.be.greaterThan(0);
    }
    for (const status of PLAQUE_STATUSES) {
      expect(await PlaqueModel.countDocuments({ status }), status).to.be.greaterThan(0);
    }
  });
});
