import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createDesk } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

describe('desk membership on the admin user form', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when the admin ticks desks for a user, then the user joins them, archived memberships stay, and the change is audited', async () => {
    const admin = await loginAs(app(), 'admin');
    const officer = await createUser({ role: 'complaint_officer', name: 'Orla Officer' });
    const old = await createDesk({ name: 'Old desk', members: [officer], archivedAt: new Date() });
    const thailand = await createDesk({ name: 'Thailand desk' });
    const vietnam = await createDesk({ name: 'Vietnam desk', members: [officer] });
    const id = officer._id.toHexString();

    const page = await admin.agent.get(`/admin/users/${id}`).expect(200);
    expect(page.text).to.contain('Thailand desk').and.contain('Vietnam desk').and.not.contain('Old desk');
    expect(page.text).to.match(new RegExp(`value="${vietnam._id.toHexString()}" id="[^"]+" checked`));

    const form = { name: 'Orla Officer', role: 'complaint_officer', locale: 'en', timeZone: 'Asia/Bangkok' };
    await admin.post(`/admin/users/${id}`, { ...form, desks: [thailand._id.toHexString()] }).expect(302);
    const after = await UserModel.findById(officer._id).lean();
    expect(after?.desks.map(String).sort()).to.deep.equal([old._id, thailand._id].map(String).sort());
    const audit = await AuditEntryModel.findOne({ action: 'user.update', entityId: id }).lean();
    expect(audit?.changes.map((c) => c.field)).to.include('desks');

    const bad = await admin
      .post(`/admin/users/${id}`, { ...form, desks: [old._id.toHexString()] })
      .expect(422);
    expect(bad.text).to.contain('f-desks-error');
  });
});

describe('desk membership when inviting a user', () => {
  const { app } = useTestApp();
  beforeEach(clearDatabase);

  it('when the admin ticks a desk on the new-user form, then the new user is a member; an archived desk is refused with the values kept', async () => {
    const admin = await loginAs(app(), 'admin');
    const desk = await createDesk({ name: 'Singapore desk' });
    const old = await createDesk({ name: 'Old desk', archivedAt: new Date() });
    const page = await admin.agent.get('/admin/users/new').expect(200);
    expect(page.text).to.contain('Singapore desk').and.not.contain('Old desk');

    const form = {
      name: 'Tan Wei Ling',
      email: 'tan@alliance.test',
      role: 'complaint_officer',
      locale: 'en',
      timeZone: 'Asia/Singapore',
      password: 'merlion harbour lights 2026',
    };
    const bad = await admin.post('/admin/users', { ...form, desks: [old._id.toHexString()] }).expect(422);
    expect(bad.text).to.contain('f-desks-error').and.contain('value="Tan Wei Ling"');
    expect(await UserModel.countDocuments({ email: 'tan@alliance.test' })).to.equal(0);

    await admin.post('/admin/users', { ...form, desks: desk._id.toHexString() }).expect(302);
    const created = await UserModel.findOne({ email: 'tan@alliance.test' }).lean();
    expect(created?.desks.map(String)).to.deep.equal([desk._id.toHexString()]);
    const audit = await AuditEntryModel.findOne({
      action: 'user.create',
      entityId: created!._id.toHexString(),
    }).lean();
    expect(audit?.changes.map((c) => c.field)).to.include('desks');
  });
});
