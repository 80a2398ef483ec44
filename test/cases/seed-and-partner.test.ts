import { expect } from 'chai';
import { seedCases } from '../../scripts/seed/cases.js';
import { seedDesks } from '../../scripts/seed/desks.js';
import { CASE_STATUSES, CaseModel, type ComplaintCase } from '../../src/modules/cases/index.js';
import { partnerLinks } from '../../src/modules/partners/index.js';
import { SYSTEM } from '../../src/modules/audit/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createPartner } from '../factories/partner.js';
import { createUser } from '../factories/user.js';

describe('demo cases, the partner page section and partner merges', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when the seed runs twice after the desks seed, then there are cases in every status, routed with timelines, once', async () => {
    await createUser({ email: 'officer@alliance.example', role: 'complaint_officer' });
    await createUser({ email: 'officer.th@alliance.example', role: 'complaint_officer' });
    await createUser({ email: 'manager@alliance.example', role: 'manager' });
    await createUser({ email: 'coordinator.th@alliance.example', role: 'coordinator' });
    await createUser({ email: 'coordinator@alliance.example', role: 'coordinator' });
    for (const country of ['TH', 'VN', 'CN', 'SG']) await createPartner({ country });
    await seedDesks();
    await seedCases();
    const count = await CaseModel.countDocuments({});
    await seedCases();
    expect(await CaseModel.countDocuments({})).to.equal(count);
    const statuses = new Set((await CaseModel.find({}, { status: 1 }).lean()).map((c) => c.status));
    expect([...statuses].sort()).to.deep.equal([...CASE_STATUSES].sort());
    const all = await CaseModel.find({}).lean<ComplaintCase[]>();
    const transferred = all.find((c) => c.pastDesks.length);
    expect(transferred?.timeline.some((e) => e.kind === 'transferred')).to.equal(true);
    expect(await CaseModel.exists({ ackBreached: true })).to.not.equal(null);
  });

  it('when a partner page is opened, then its open cases the viewer may read are listed; merging moves cases to the survivor once', async () => {
    const officer = await loginAs(app(), 'complaint_officer');
    const desk = await createDesk({ members: [officer.user] });
    const other = await createDesk();
    const p = await createPartner({ name: 'Merged Away Travel' });
    const survivor = await createPartner({ name: 'Survivor Travel' });
    const u = await createUser();
    const mine = await createCase({
      desk,
      loggedBy: u._id,
      partners: [p._id, survivor._id],
      status: 'in_progress',
    });
    const hidden = await createCase({ desk: other, loggedBy: u._id, partners: [p._id] });
    const done = await createCase({ desk, loggedBy: u._id, partners: [p._id], status: 'closed' });
    const page = await officer.agent.get(`/partners/${p._id}`).expect(200);
    expect(page.text).to.contain('Open complaint cases');
    expect(page.text).to.contain(mine.number);
    expect(page.text).not.to.contain(hidden.number);
    expect(page.text).not.to.contain(done.number);
    const staff = await loginAs(app(), 'staff');
    const staffPage = await staff.agent.get(`/partners/${p._id}`).expect(200);
    expect(staffPage.text).not.to.contain('Open complaint cases');

    const mover = partnerLinks().find((l) => l.name === 'cases')!;
    expect(await mover.move(p._id, survivor._id, SYSTEM)).to.equal(3);
    const after = (await CaseModel.findById(mine._id).lean<ComplaintCase>())!;
    expect(after.partners.map(String)).to.deep.equal([String(survivor._id)]);
    expect(await CaseModel.countDocuments({ partners: p._id })).to.equal(0);
    expect(await mover.move(p._id, survivor._id, SYSTEM)).to.equal(0);
    expect(await UserModel.countDocuments({})).to.be.greaterThan(0);
  });
});
