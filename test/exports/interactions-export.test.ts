import { expect } from 'chai';
import { createInteraction } from '../factories/interaction.js';
import { createPartner } from '../factories/partner.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { csvRows } from './support.js';

describe('exports: interactions through the shared export machinery', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when a coordinator exports "mine" of one kind, then exactly those rows come, newest first, with partner and author names and a neutralised summary', async () => {
    const me = await loginAs(app(), 'coordinator');
    const other = await loginAs(app(), 'coordinator');
    const partner = await createPartner({ name: 'Golden Dragon Travel' });
    await createInteraction({
      partner,
      by: me.user._id,
      kind: 'meeting',
      summary: 'First talk',
      occurredAt: new Date('2026-03-01T02:00:00Z'),
    });
    await createInteraction({
      partner,
      by: me.user._id,
      kind: 'meeting',
      summary: '=SUM(A1) roadshow',
      occurredAt: new Date('2026-04-01T02:00:00Z'),
    });
    await createInteraction({
      partner,
      by: me.user._id,
      kind: 'call',
      summary: 'A call',
      occurredAt: new Date('2026-05-01T02:00:00Z'),
    });
    await createInteraction({
      partner,
      by: other.user._id,
      kind: 'meeting',
      summary: 'Not mine',
      occurredAt: new Date('2026-05-02T02:00:00Z'),
    });

    const rows = csvRows(
      (await me.agent.get('/interactions/export.csv?by=me&kind=meeting').expect(200)).text,
    );
    expect(rows[0]).to.equal(
      'occurred_at,kind,partner_name,contact_names,summary,by_name,event_name,follow_up_at,follow_up_done,partner_id,id',
    );
    expect(rows).to.have.length(3);
    expect(rows[1]).to.contain(`,meeting,Golden Dragon Travel,,'=SUM(A1) roadshow,${me.user.name},`);
    expect(rows[2]).to.contain(',First talk,');
  });

  it('when staff or a complaint officer asks, then 403 (they cannot read interactions)', async () => {
    for (const role of ['staff', 'complaint_officer'] as const) {
      const { agent } = await loginAs(app(), role);
      await agent.get('/interactions/export.csv').expect(403);
    }
  });
});
