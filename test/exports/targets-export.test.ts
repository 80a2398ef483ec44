import { expect } from 'chai';
import { ActualModel } from '../../src/modules/targets/index.js';
import { createActuals, createMarket } from '../factories/target.js';
import { loginAs } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { csvRows } from './support.js';

const count = (html: string, key: string) => Number(new RegExp(`data-k="${key}">(\\d+)<`).exec(html)?.[1]);

describe('exports: doubling-plan markets and monthly actuals', () => {
  const { app } = useTestApp();

  beforeEach(() => clearDatabase());

  it('when staff export one year of actuals, then the rows are in the import format, and re-importing them changes nothing', async () => {
    const staff = await loginAs(app(), 'staff');
    const th = await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    const out = await createMarket({ origin: 'CN-CQ', destination: 'TH' });
    await createActuals(th._id, { 202501: 10_000, 202502: 12_500, 202601: 14_000 });
    await createActuals(out._id, { 202501: 8_000 });

    const res = await staff.agent.get('/targets/actuals/export.csv?year=2025').expect(200);
    const rows = csvRows(res.text);
    expect(rows).to.deep.equal(
      [
        'origin,destination,year,month,visitors',
        'TH,CN-CQ,2025,1,10000',
        'TH,CN-CQ,2025,2,12500',
        'CN-CQ,TH,2025,1,8000',
      ].sort((a, b) => (a.startsWith('origin') ? -1 : b.startsWith('origin') ? 1 : 0)),
    );

    // Round trip: the manager's dry run of the exported file finds every month unchanged.
    const manager = await loginAs(app(), 'manager');
    const dry = await manager.agent
      .post('/targets/import')
      .field('_csrf', manager.csrf)
      .attach('file', Buffer.from(res.text), 'actuals.csv')
      .expect(200);
    expect(count(dry.text, 'unchanged')).to.equal(3);
    expect(count(dry.text, 'inserted')).to.equal(0);
    expect(count(dry.text, 'updated')).to.equal(0);
    expect(await ActualModel.countDocuments()).to.equal(4);
  });

  it('when the market list is exported, then every market comes with its baseline and target; coordinators and officers may not export', async () => {
    const manager = await loginAs(app(), 'manager');
    await createMarket({
      origin: 'VN',
      destination: 'CN-CQ',
      baselineYear: 2024,
      baselineVisitors: 50_000,
      targetYear: 2028,
    });
    const rows = csvRows((await manager.agent.get('/targets/export.csv').expect(200)).text);
    expect(rows[0]).to.equal(
      'origin,destination,baseline_year,baseline_visitors,multiplier,target_year,notes,id',
    );
    expect(rows[1]!.startsWith('VN,CN-CQ,2024,50000,2,2028,,')).to.equal(true);
    for (const role of ['coordinator', 'complaint_officer'] as const) {
      const { agent } = await loginAs(app(), role);
      await agent.get('/targets/actuals/export.csv').expect(403);
    }
  });
});
