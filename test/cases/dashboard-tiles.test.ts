import { expect } from 'chai';
import { UserModel } from '../../src/modules/users/index.js';
import { createCase } from '../factories/case.js';
import { createDesk } from '../factories/desk.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const HOUR = 3_600_000;

describe('complaint cases on the home dashboard', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when a manager opens the dashboard, then open, breached and at-risk counts across desks link to the filtered lists', async () => {
    const manager = await loginAs(app(), 'manager');
    const desk = await createDesk({ isDefault: true });
    await createCase({
      desk,
      loggedBy: manager.user._id,
      status: 'in_progress',
      resolveBreached: true,
      openedAt: new Date(Date.now() - 400 * HOUR),
    });
    await createCase({ desk, loggedBy: manager.user._id, status: 'triaged' });
    await createCase({ desk, loggedBy: manager.user._id, status: 'closed' });

    const page = await manager.agent.get('/').expect(200);
    expect(page.text).to.contain('Complaint service levels');
    expect(page.text).to.match(
      /href="\/cases\?scope=all&amp;status=open">Open cases<\/a><span class="badge text-bg-secondary">2<\/span>/,
    );
    expect(page.text).to.match(
      /href="\/cases\?scope=all&amp;status=open&amp;breach=breached">[^<]+<\/a><span class="badge text-bg-danger">1<\/span>/,
    );
  });

  it('when a complaint officer opens the dashboard, then their open cases show by due time with the desk breach count; others do not get the tile', async () => {
    const officer = await loginAs(app(), 'complaint_officer');
    const desk = await createDesk({ isDefault: true });
    await UserModel.updateOne({ _id: officer.user._id }, { desks: [desk._id] });
    const mine = await createCase({
      desk,
      loggedBy: officer.user._id,
      status: 'assigned',
      assignee: officer.user._id,
    });
    await createCase({ desk, loggedBy: officer.user._id, status: 'closed', assignee: officer.user._id });

    const page = await officer.agent.get('/').expect(200);
    expect(page.text).to.contain('My case queue');
    expect(page.text).to.contain(`href="/cases/${mine._id.toHexString()}">${mine.number}</a>`);
    expect(page.text).to.contain('Breached cases on my desks: 0');

    const coordinator = await loginAs(app(), 'coordinator');
    const other = await coordinator.agent.get('/').expect(200);
    expect(other.text).to.not.contain('My case queue');
    expect(other.text).to.not.contain('Complaint service levels');
  });
});
