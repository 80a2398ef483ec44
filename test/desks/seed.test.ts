import { expect } from 'chai';
import { DeskModel, routeCase, RoutingRuleModel } from '../../src/modules/desks/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { seedDesks } from '../../scripts/seed/desks.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createUser } from '../factories/user.js';

describe('seeding desks and routing rules', () => {
  useTestApp();
  beforeEach(clearDatabase);

  it('when the seed runs twice, then there are four desks, one default, seven rules, members on their desks, and routing works', async () => {
    const officer = await createUser({ email: 'officer@alliance.example', role: 'complaint_officer' });
    await createUser({ email: 'officer.th@alliance.example', role: 'complaint_officer' });
    await createUser({ email: 'manager@alliance.example', role: 'manager' });
    await createUser({ email: 'coordinator.th@alliance.example', role: 'coordinator' });
    await seedDesks();
    await seedDesks();

    const desks = await DeskModel.find({}).sort({ nameKey: 1 }).lean();
    expect(desks.map((d) => [d.name, d.timeZone, d.isDefault])).to.deep.equal([
      ['Chongqing desk', 'Asia/Shanghai', true],
      ['Singapore desk', 'Asia/Singapore', false],
      ['Thailand desk', 'Asia/Bangkok', false],
      ['Vietnam desk', 'Asia/Ho_Chi_Minh', false],
    ]);
    expect(await RoutingRuleModel.countDocuments()).to.equal(7);
    const lan = await UserModel.findById(officer._id).lean();
    expect(lan?.desks).to.have.length(3);

    const route = await routeCase({
      incidentCountry: 'TH',
      originCountry: 'CN',
      category: 'pricing',
      partnerTypes: [],
    });
    expect(route.desk.name).to.equal('Thailand desk');
    expect(route.assignee, 'least-open picks the Thailand officer').to.not.equal(null);
    const fallback = await routeCase({
      incidentCountry: 'JP',
      originCountry: 'CN',
      category: 'other',
      partnerTypes: [],
    });
    expect(fallback.desk.name).to.equal('Chongqing desk');
    expect(fallback.rule).to.equal(null);
  });
});
