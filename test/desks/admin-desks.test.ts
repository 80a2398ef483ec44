import { expect } from 'chai';
import { AuditEntryModel, SYSTEM } from '../../src/modules/audit/index.js';
import {
  DeskModel,
  listDeskPage,
  registerDeskOpenCaseTotal,
  updateDesk,
  type Desk,
  type DeskInput,
} from '../../src/modules/desks/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createDesk } from '../factories/desk.js';
import { createUser, type TestUser } from '../factories/user.js';

const SLA_FORM = {
  lowAckHours: '48',
  lowResolveHours: '240',
  normalAckHours: '24',
  normalResolveHours: '120',
  highAckHours: '8',
  highResolveHours: '72',
  urgentAckHours: '2',
  urgentResolveHours: '24',
};

describe('administering complaint desks', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;
  let officer: TestUser;
  let lead: TestUser;

  beforeEach(async () => {
    await clearDatabase();
    admin = await loginAs(app(), 'admin', { name: 'Ada Admin' });
    officer = await createUser({ role: 'complaint_officer', name: 'Orla Officer' });
    lead = await createUser({ role: 'manager', name: 'Lin Lead' });
  });

  function deskForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
    return {
      name: 'Thailand desk',
      timeZone: 'Asia/Bangkok',
      members: [officer._id.toHexString(), lead._id.toHexString()],
      lead: lead._id.toHexString(),
      ...SLA_FORM,
      ...overrides,
    };
  }

  it('when the admin creates the first desk with members, a lead and SLA hours, then it is stored, becomes the default, members get it and the create is audited', async () => {
    await admin
      .post('/admin/desks', deskForm({ name: '  Thailand   Desk ', highAckHours: '6.5' }))
      .expect(302, /admin\/desks/);
    const desk = await DeskModel.findOne({}).lean<Desk>();
    expect(desk?.name).to.equal('Thailand   Desk');
    expect(desk?.nameKey).to.equal('thailand desk');
    expect(desk?.timeZone).to.equal('Asia/Bangkok');
    expect(desk?.isDefault, 'the only desk is the default').to.equal(true);
    expect(desk?.sla.high).to.deep.equal({ ackHours: 6.5, resolveHours: 72 });
    expect(String(desk?.lead)).to.equal(lead._id.toHexString());
    const members = await UserModel.find({ desks: desk!._id }, { _id: 1 }).lean();
    expect(members.map((m) => String(m._id)).sort()).to.deep.equal(
      [officer, lead].map((u) => u._id.toHexString()).sort(),
    );

    const audit = await AuditEntryModel.findOne({ action: 'desk.create' }).lean();
    expect(audit?.entityId).to.equal(desk!._id.toHexString());
    expect(audit?.changes.map((c) => c.field)).to.include.members([
      'name',
      'timeZone',
      'lead',
      'sla',
      'members',
    ]);

    const list = await admin.agent.get('/admin/desks').expect(200);
    expect(list.text).to.contain('Thailand   Desk').and.contain('Lin Lead').and.contain('Asia/Bangkok');
  });

  it('when the time zone is not a real IANA zone, then the form comes back (422) with the error and the typed values, and nothing is written', async () => {
    const res = await admin
      .post('/admin/desks', deskForm({ timeZone: 'Asia/Atlantis', name: 'Kept name' }))
      .expect(422);
    expect(res.text).to.contain('id="f-timeZone-error"').and.contain('value="Kept name"');
    expect(await DeskModel.countDocuments()).to.equal(0);
  });

  it('when acknowledge hours exceed resolve hours, or hours are not positive, then the fields say so (422)', async () => {
    const res = await admin
      .post('/admin/desks', deskForm({ urgentAckHours: '30', urgentResolveHours: '24' }))
      .expect(422);
    expect(res.text)
      .to.contain('id="f-urgentAckHours-error"')
      .and.contain('cannot be more than resolve hours');
    const zero = await admin.post('/admin/desks', deskForm({ lowAckHours: '0' })).expect(422);
    expect(zero.text).to.contain('id="f-lowAckHours-error"');
    expect(await DeskModel.countDocuments()).to.equal(0);
  });

  it('when the lead is not among the members, or a member is not an active case worker, then the form is refused', async () => {
    const notMember = await admin
      .post('/admin/desks', deskForm({ members: [officer._id.toHexString()] }))
      .expect(422);
    expect(notMember.text).to.contain('id="f-lead-error"').and.contain('must be one of the desk');
    const staff = await createUser({ role: 'staff' });
    const badMember = await admin
      .post('/admin/desks', deskForm({ members: [staff._id.toHexString(), lead._id.toHexString()] }))
      .expect(422);
    expect(badMember.text).to.contain('members-error');
    expect(await DeskModel.countDocuments()).to.equal(0);
  });

  it('when a second desk is made default, then the first stops being default (exactly one), and the default cannot simply be unticked', async () => {
    const first = await createDesk({ name: 'Chongqing desk', isDefault: true });
    await admin.post('/admin/desks', deskForm({ isDefault: '1' })).expect(302);
    const defaults = await DeskModel.find({ isDefault: true }).lean();
    expect(defaults.map((d) => d.name)).to.deep.equal(['Thailand desk']);
    expect(
      await AuditEntryModel.countDocuments({ action: 'desk.update', entityId: first._id.toHexString() }),
    ).to.equal(1);

    const thailand = defaults[0]!;
    const res = await admin
      .post(`/admin/desks/${thailand._id.toHexString()}`, deskForm({ isDefault: '' }))
      .expect(422);
    expect(res.text).to.contain('id="f-isDefault-error"');
    expect((await DeskModel.findById(thailand._id).lean())?.isDefault).to.equal(true);
  });

  it('when a desk name differs only in case and spaces from another, then it is refused', async () => {
    await createDesk({ name: 'Vietnam desk' });
    const res = await admin.post('/admin/desks', deskForm({ name: 'VIETNAM  Desk' })).expect(422);
    expect(res.text).to.contain('already exists');
  });

  it('when the admin edits members, then dropped users lose the desk, new ones gain it, and the change is audited with before/after', async () => {
    const other = await createUser({ role: 'complaint_officer', name: 'New Officer' });
    const desk = await createDesk({ name: 'Singapore desk', members: [officer, lead], lead: lead._id });
    await admin
      .post(
        `/admin/desks/${desk._id.toHexString()}`,
        deskForm({ name: 'Singapore desk', members: [lead._id.toHexString(), other._id.toHexString()] }),
      )
      .expect(302);
    expect((await UserModel.findById(officer._id).lean())?.desks.map(String)).to.deep.equal([]);
    expect((await UserModel.findById(other._id).lean())?.desks.map(String)).to.deep.equal([
      desk._id.toHexString(),
    ]);
    const audit = await AuditEntryModel.findOne({
      action: 'desk.update',
      entityId: desk._id.toHexString(),
    }).lean();
    const members = audit?.changes.find((c) => c.field === 'members');
    expect(members?.before).to.include(officer._id.toHexString());
    expect(members?.after).to.include(other._id.toHexString()).and.not.include(officer._id.toHexString());
  });

  it('when the admin ticks "raise the priority on a breach", then the desk keeps it, the form and list show it, and unticking it is audited', async () => {
    const desk = await createDesk({ name: 'Vietnam desk', members: [officer, lead], lead: lead._id });
    const url = `/admin/desks/${desk._id.toHexString()}`;
    await admin.post(url, deskForm({ name: 'Vietnam desk', raiseOnBreach: '1' })).expect(302);
    expect((await DeskModel.findById(desk._id).lean<Desk>())?.raiseOnBreach).to.equal(true);
    const form = await admin.agent.get(`${url}/edit`).expect(200);
    expect(form.text).to.match(/name="raiseOnBreach" value="1" id="f-raiseOnBreach" checked/);
    expect((await admin.agent.get('/admin/desks').expect(200)).text).to.include('raises priority on breach');

    await admin.post(url, deskForm({ name: 'Vietnam desk' })).expect(302);
    expect((await DeskModel.findById(desk._id).lean<Desk>())?.raiseOnBreach).to.equal(false);
    const audits = await AuditEntryModel.find({
      action: 'desk.update',
      entityId: desk._id.toHexString(),
    }).lean();
    const flips = audits.flatMap((a) => a.changes.filter((c) => c.field === 'raiseOnBreach'));
    expect(flips.map((c) => [c.before, c.after])).to.deep.equal([
      [false, true],
      [true, false],
    ]);
  });

  describe('archiving', () => {
    let restore: ReturnType<typeof registerDeskOpenCaseTotal> = null;
    beforeEach(() => {
      restore = registerDeskOpenCaseTotal(null);
      registerDeskOpenCaseTotal(restore);
    });
    afterEach(() => registerDeskOpenCaseTotal(restore));

    it('when the desk is the default, then archiving is refused and nothing is written', async () => {
      const desk = await createDesk({ isDefault: true });
      await admin.post(`/admin/desks/${desk._id.toHexString()}/archive`).expect(302);
      expect((await DeskModel.findById(desk._id).lean())?.archivedAt).to.equal(null);
      const page = await admin.agent.get(`/admin/desks/${desk._id.toHexString()}/edit`).expect(200);
      expect(page.text).to.contain('default desk cannot be archived');
      expect(await AuditEntryModel.countDocuments({ action: 'desk.archive' })).to.equal(0);
    });

    it('when the cases module reports open cases, then archiving is refused; with none, the desk is archived and audited', async () => {
      await createDesk({ isDefault: true });
      const desk = await createDesk({ name: 'Busy desk' });
      let open = 3;
      registerDeskOpenCaseTotal(async (id) => (id.equals(desk._id) ? open : 0));
      await admin.post(`/admin/desks/${desk._id.toHexString()}/archive`).expect(302);
      expect((await DeskModel.findById(desk._id).lean())?.archivedAt).to.equal(null);

      open = 0;
      await admin.post(`/admin/desks/${desk._id.toHexString()}/archive`).expect(302);
      expect((await DeskModel.findById(desk._id).lean())?.archivedAt).to.be.instanceOf(Date);
      expect(
        await AuditEntryModel.countDocuments({ action: 'desk.archive', entityId: desk._id.toHexString() }),
      ).to.equal(1);
      const link = `/admin/desks/${desk._id.toHexString()}/edit`;
      const active = await admin.agent.get('/admin/desks').expect(200);
      expect(active.text).to.contain('Desk Busy desk archived.').and.not.contain(link);
      const archived = await admin.agent.get('/admin/desks?state=archived').expect(200);
      expect(archived.text).to.contain(link);
    });
  });

  it('when a desk name holds HTML, then every page shows it escaped', async () => {
    const evil = '<script>alert("desk")</script>';
    const desk = await createDesk({ name: evil, isDefault: true });
    for (const url of ['/admin/desks', `/admin/desks/${desk._id.toHexString()}/edit`, '/admin/routing']) {
      const res = await admin.agent.get(url).expect(200);
      expect(res.text, url).not.to.contain(evil);
    }
    const list = await admin.agent.get('/admin/desks').expect(200);
    expect(list.text).to.contain('&lt;script&gt;alert(&#34;desk&#34;)&lt;/script&gt;');
  });

  it('when anyone but an admin opens or posts the desk pages, then they get 403', async () => {
    const desk = await createDesk({ isDefault: true });
    for (const role of ['manager', 'coordinator', 'complaint_officer', 'staff'] as const) {
      const user = await loginAs(app(), role);
      await user.agent.get('/admin/desks').expect(403);
      await user.agent.get(`/admin/desks/${desk._id.toHexString()}/edit`).expect(403);
      await user.post('/admin/desks', deskForm({ name: `By ${role}` })).expect(403);
      await user.post(`/admin/desks/${desk._id.toHexString()}/archive`).expect(403);
    }
    expect(await DeskModel.countDocuments()).to.equal(1);
  });
});

describe('listing desks page by page', () => {
  useTestApp();
  beforeEach(clearDatabase);

  it('when there are more desks than a page holds, then the pages follow each other by name without repeats', async () => {
    const names = ['Delta', 'alpha', 'Charlie', 'bravo', 'Echo'];
    for (const name of names) await createDesk({ name });
    await createDesk({ name: 'Archived', archivedAt: new Date() });
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listDeskPage({ state: 'active', ...(after ? { after } : {}) }, 2);
      seen.push(...page.rows.map((d) => d.name));
      after = page.next;
    } while (after);
    expect(seen).to.deep.equal(['alpha', 'bravo', 'Charlie', 'Delta', 'Echo']);
  });

  it('when a disabled member is not on the form, then saving the desk keeps their membership', async () => {
    const gone = await createUser({ role: 'complaint_officer', disabledAt: new Date() });
    const active = await createUser({ role: 'complaint_officer' });
    const desk = await createDesk({ name: 'Keep desk', members: [gone, active] });
    const form: Record<string, unknown> = {
      name: 'Keep desk',
      timeZone: 'Asia/Shanghai',
      members: [],
      lead: null,
      isDefault: null,
    };
    for (const [k, v] of Object.entries(SLA_FORM)) form[k] = Number(v);
    await updateDesk(desk._id.toHexString(), form as unknown as DeskInput, SYSTEM);
    expect((await UserModel.findById(gone._id).lean())?.desks.map(String)).to.deep.equal([
      desk._id.toHexString(),
    ]);
    expect((await UserModel.findById(active._id).lean())?.desks).to.deep.equal([]);
  });
});
