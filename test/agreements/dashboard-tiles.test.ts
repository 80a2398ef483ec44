import { expect } from 'chai';
import { createAgreement } from '../factories/agreement.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';

const DAY = 86_400_000;

describe('agreements on the home dashboard', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when a manager opens the dashboard, then the pipeline counts per stage and the agreements expiring within 90 days show, linked to their lists', async () => {
    const manager = await loginAs(app(), 'manager');
    const soon = new Date(Math.floor(Date.now() / DAY) * DAY + 30 * DAY);
    const later = new Date(Math.floor(Date.now() / DAY) * DAY + 200 * DAY);
    await createAgreement({
      title: 'Cruise channel <2026>',
      stage: 'active',
      effectiveFrom: new Date('2026-01-01'),
      expiresAt: soon,
    });
    await createAgreement({
      title: 'Scenic channel far off',
      stage: 'active',
      effectiveFrom: new Date('2026-01-01'),
      expiresAt: later,
    });
    await createAgreement({ stage: 'lead' });
    await createAgreement({ stage: 'lead' });

    const page = await manager.agent.get('/').expect(200);
    expect(page.text).to.contain('Agreement pipeline');
    expect(page.text).to.match(
      /href="\/agreements\?stage=lead">Lead<\/a>\s*<span class="badge text-bg-secondary">2<\/span>/,
    );
    expect(page.text).to.match(
      /href="\/agreements\?stage=active">Active<\/a>\s*<span class="badge text-bg-secondary">2<\/span>/,
    );
    expect(page.text).to.contain('Cruise channel &lt;2026&gt;');
    expect(page.text).to.not.contain('Scenic channel far off');
    expect(page.text).to.match(
      /href="\/agreements\?expiresFrom=\d{4}-\d{2}-\d{2}&amp;expiresTo=\d{4}-\d{2}-\d{2}"/,
    );
  });

  it('when a coordinator or staff opens the dashboard, then the management tiles are not shown', async () => {
    for (const role of ['coordinator', 'staff'] as const) {
      const { agent } = await loginAs(app(), role);
      const page = await agent.get('/').expect(200);
      expect(page.text, role).to.not.contain('Agreement pipeline');
      expect(page.text, role).to.not.contain('Agreements expiring in 90 days');
    }
  });
});
