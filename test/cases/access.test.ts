import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { CaseModel, type ComplaintCase } from '../../src/modules/cases/index.js';
import type { Desk } from '../../src/modules/desks/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import { UserModel } from '../../src/modules/users/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { createUser } from '../factories/user.js';

const NAME = 'Nguyen Thi Secret';

describe('case access: row scope, privacy, transfer, escaping', () => {
  const { app } = useTestApp();
  let thai: Desk;
  let cq: Desk;
  let thaiOfficer: LoggedIn;
  let cqOfficer: LoggedIn;
  let c: ComplaintCase;

  async function joinDesk(u: LoggedIn, desk: Desk) {
    await UserModel.updateOne({ _id: u.user._id }, { $addToSet: { desks: desk._id } });
  }

  beforeEach(async () => {
    await clearDatabase();
    thaiOfficer = await loginAs(app(), 'complaint_officer', { name: 'Somchai' });
    cqOfficer = await loginAs(app(), 'complaint_officer', { name: 'Wang Fang' });
    const cqLead = await createUser({ role: 'complaint_officer', name: 'CQ Lead' });
    thai = await createDesk({ name: 'Thailand desk' });
    cq = await createDesk({ name: 'Chongqing desk', lead: cqLead._id, members: [cqLead] });
    await joinDesk(thaiOfficer, thai);
    await joinDesk(cqOfficer, cq);
    const logger = await createUser({ role: 'coordinator' });
    c = await createCase({ desk: thai, loggedBy: logger._id, status: 'triaged', complainantName: NAME });
  });

  it('when each role opens a case, then complainant details show only to its desk, managers and admins; others see "restricted" or nothing', async () => {
    const manager = await loginAs(app(), 'manager');
    const admin = await loginAs(app(), 'admin');
    const coordinator = await loginAs(app(), 'coordinator');
    const staff = await loginAs(app(), 'staff');
    const loggerCoord = await loginAs(app(), 'coordinator');
    const mine = await createCase({ desk: thai, loggedBy: loggerCoord.user._id, complainantName: NAME });

    const member = await thaiOfficer.agent.get(`/cases/${c._id}`).expect(200);
    expect(member.text).to.contain(NAME);
    for (const who of [manager, admin]) {
      const res = await who.agent.get(`/cases/${c._id}`).expect(200);
      expect(res.text).to.contain(NAME);
    }
    await cqOfficer.agent.get(`/cases/${c._id}`).expect(404);
    await coordinator.agent.get(`/cases/${c._id}`).expect(404);
    await staff.agent.get(`/cases/${c._id}`).expect(403);
    // A coordinator reads the case they logged, without the complainant's details.
    const own = await loggerCoord.agent.get(`/cases/${mine._id}`).expect(200);
    expect(own.text).not.to.contain(NAME);
    expect(own.text).to.contain('complainant-restricted');
    expect(own.text).not.to.contain('action="/cases/');
  });

  it('when a manager or admin outside the desks views a case, then the view is audited; a desk member’s is not', async () => {
    const manager = await loginAs(app(), 'manager');
    await manager.agent.get(`/cases/${c._id}`).expect(200);
    await thaiOfficer.agent.get(`/cases/${c._id}`).expect(200);
    const entries = await AuditEntryModel.find({
      action: 'case.view_restricted',
      entityId: String(c._id),
    }).lean();
    expect(entries.map((e) => String(e.actor))).to.deep.equal([manager.user._id.toHexString()]);
  });

  it('when an officer of another desk acts on a case, then it is a 404 (its existence is not revealed), a coordinator gets 403, and nothing is written', async () => {
    await cqOfficer.post(`/cases/${c._id}/notes`, { version: String(c.version), note: 'hi' }).expect(404);
    await cqOfficer.post(`/cases/${c._id}/acknowledge`, { version: String(c.version) }).expect(404);
    const coord = await loginAs(app(), 'coordinator');
    await coord.post(`/cases/${c._id}/notes`, { version: String(c.version), note: 'hi' }).expect(403);
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.version).to.equal(c.version);
  });

  it('when a case is transferred with a note, then both desks read it, only the new desk works it, and the receiving lead is notified', async () => {
    await thaiOfficer
      .post(`/cases/${c._id}/transfer`, {
        version: String(c.version),
        toDesk: String(cq._id),
        transferNote: '',
      })
      .expect(422);
    expect((await CaseModel.findById(c._id).lean<ComplaintCase>())!.desk.equals(thai._id)).to.equal(true);

    await thaiOfficer
      .post(`/cases/${c._id}/transfer`, {
        version: String(c.version),
        toDesk: String(cq._id),
        transferNote: 'Tour operator is in Chongqing',
      })
      .expect(302);
    const moved = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(moved.desk.equals(cq._id)).to.equal(true);
    expect(moved.pastDesks.map(String)).to.deep.equal([String(thai._id)]);
    expect(moved.assignee).to.equal(null);
    expect(moved.timeline.at(-1)).to.include({ kind: 'transferred', text: 'Tour operator is in Chongqing' });

    const old = await thaiOfficer.agent.get(`/cases/${c._id}`).expect(200);
    expect(old.text).to.contain(NAME);
    expect(old.text).to.contain('Tour operator is in Chongqing');
    await thaiOfficer
      .post(`/cases/${c._id}/notes`, { version: String(moved.version), note: 'still here' })
      .expect(403);
    const now = await cqOfficer.agent.get(`/cases/${c._id}`).expect(200);
    expect(now.text).to.contain(NAME);
    await cqOfficer
      .post(`/cases/${c._id}/notes`, { version: String(moved.version), note: 'taking over' })
      .expect(302);

    const notes = await NotificationModel.find({ kind: 'case.transferred' }).lean();
    expect(notes).to.have.length(1);
    expect(String(notes[0]!.user)).to.equal(String(cq.lead));

    // Both desks list it under "my desks".
    const list = await thaiOfficer.agent.get('/cases?scope=desks').expect(200);
    expect(list.text).to.contain(moved.number);
    const list2 = await cqOfficer.agent.get('/cases?scope=desks').expect(200);
    expect(list2.text).to.contain(moved.number);
  });

  it('when a transfer names a forged or archived desk, then it is a field error and nothing moves', async () => {
    const archived = await createDesk({ name: 'Old desk', archivedAt: new Date() });
    for (const toDesk of ['0123456789abcdef01234567', String(archived._id), 'not-an-id']) {
      await thaiOfficer
        .post(`/cases/${c._id}/transfer`, { version: String(c.version), toDesk, transferNote: 'x' })
        .expect(422);
    }
    expect((await CaseModel.findById(c._id).lean<ComplaintCase>())!.version).to.equal(c.version);
  });

  it('when notes and descriptions hold HTML, then the page shows it escaped; a note over the limit is refused', async () => {
    const x = await createCase({
      desk: thai,
      loggedBy: thaiOfficer.user._id,
      description: '<img src=x onerror=alert(1)>',
    });
    await thaiOfficer
      .post(`/cases/${x._id}/notes`, {
        version: String(x.version),
        note: '<script>alert("n")</script>',
        visibility: 'external',
      })
      .expect(302);
    const page = await thaiOfficer.agent.get(`/cases/${x._id}`).expect(200);
    expect(page.text).not.to.contain('<script>alert("n")</script>');
    expect(page.text).to.contain('&lt;script&gt;alert(&#34;n&#34;)&lt;/script&gt;');
    expect(page.text).not.to.contain('<img src=x');
    const long = 'x'.repeat(5001);
    const res = await thaiOfficer
      .post(`/cases/${x._id}/notes`, { version: String(x.version + 1), note: long })
      .expect(422);
    expect(res.text).to.contain('id="f-note-error"');
  });

  it('when an action is sent with an old version, then the page is re-shown with a conflict (409) and nothing is written', async () => {
    await thaiOfficer
      .post(`/cases/${c._id}/notes`, { version: String(c.version), note: 'first' })
      .expect(302);
    const res = await thaiOfficer
      .post(`/cases/${c._id}/notes`, { version: String(c.version), note: 'second' })
      .expect(409);
    expect(res.text).to.contain('Someone changed this case');
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.timeline.filter((e) => e.kind === 'note').map((e) => e.text)).to.deep.equal(['first']);
  });

  it('when internal notes exist, then a coordinator who logged the case does not see them but sees external ones', async () => {
    const loggerCoord = await loginAs(app(), 'coordinator');
    const mine = await createCase({ desk: thai, loggedBy: loggerCoord.user._id });
    await thaiOfficer
      .post(`/cases/${mine._id}/notes`, {
        version: String(mine.version),
        note: 'internal gossip',
        visibility: 'internal',
      })
      .expect(302);
    await thaiOfficer
      .post(`/cases/${mine._id}/notes`, {
        version: String(mine.version + 1),
        note: 'shared update',
        visibility: 'external',
      })
      .expect(302);
    const page = await loggerCoord.agent.get(`/cases/${mine._id}`).expect(200);
    expect(page.text).to.contain('shared update');
    expect(page.text).not.to.contain('internal gossip');
  });

  it('when an officer assigns to someone outside the desk, then it is a field error', async () => {
    await thaiOfficer
      .post(`/cases/${c._id}/assign`, { version: String(c.version), assignee: String(cqOfficer.user._id) })
      .expect(422);
    await thaiOfficer
      .post(`/cases/${c._id}/assign`, { version: String(c.version), assignee: String(thaiOfficer.user._id) })
      .expect(302);
    const after = (await CaseModel.findById(c._id).lean<ComplaintCase>())!;
    expect(after.status).to.equal('assigned');
    expect(String(after.assignee)).to.equal(String(thaiOfficer.user._id));
  });
});
