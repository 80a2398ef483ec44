import { expect } from 'chai';
import { mongoose } from '../../src/lib/db/index.js';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ActualModel, MarketModel } from '../../src/modules/targets/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createActuals, createMarket } from '../factories/target.js';

const HEADER = 'origin,destination,year,month,visitors';
const csv = (...lines: string[]) => Buffer.from([HEADER, ...lines].join('\n'));

function upload(who: LoggedIn, file: Buffer, fields: Record<string, string> = {}, name = 'actuals.csv') {
  let req = who.agent.post('/targets/import').field('_csrf', who.csrf);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', file, name);
}

const count = (html: string, key: string) => Number(new RegExp(`data-k="${key}">(\\d+)<`).exec(html)?.[1]);
const importId = (html: string) => /action="\/targets\/imports\/([0-9a-f]{24})\/apply"/.exec(html)?.[1];

describe('targets: CSV import of monthly actuals', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let coordinator: LoggedIn;

  before(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    coordinator = await loginAs(app(), 'coordinator');
  });

  beforeEach(async () => {
    await Promise.all([
      MarketModel.deleteMany({}),
      ActualModel.deleteMany({}),
      mongoose.connection.db!.collection('auditentries').deleteMany({}),
      mongoose.connection.db!.collection('targetimports').deleteMany({}),
    ]);
  });

  it('when a file is checked, then the report counts its rows and nothing is written until it is applied', async () => {
    const th = await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    await createActuals(th._id, { 202501: 1000, 202502: 2000 });
    const file = csv('TH,CN-CQ,2025,1,1000', 'TH,CN-CQ,2025,2,2500', 'th,cn-cq,2025,3,"3,000"');
    const res = await upload(manager, file).expect(200);
    expect(count(res.text, 'rows')).to.equal(3);
    expect(count(res.text, 'inserted')).to.equal(1);
    expect(count(res.text, 'updated')).to.equal(1);
    expect(count(res.text, 'unchanged')).to.equal(1);
    expect(await ActualModel.countDocuments()).to.equal(2);

    const id = importId(res.text)!;
    const applied = await manager.post(`/targets/imports/${id}/apply`).expect(200);
    expect(applied.text).to.contain('Import finished.');
    const rows = await ActualModel.find({ market: th._id }).sort({ yearMonth: 1 }).lean();
    expect(rows.map((r) => [r.yearMonth, r.visitors])).to.deep.equal([
      [202501, 1000],
      [202502, 2500],
      [202503, 3000],
    ]);
    expect(rows[2]!.source).to.equal('csv');
    const entry = await AuditEntryModel.findOne({ action: 'target.actuals.import' }).lean();
    expect(entry!.meta).to.deep.include({ filename: 'actuals.csv', inserted: 1, updated: 1, unchanged: 1 });
    // The stored preview is used once.
    await manager.post(`/targets/imports/${id}/apply`).expect(404);
  });

  it('when the same file is imported twice, then the months are not counted twice', async () => {
    const th = await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    const file = csv('TH,CN-CQ,2025,1,1000', 'TH,CN-CQ,2025,2,2000');
    await upload(manager, file, { mode: 'apply' }).expect(200);
    const again = await upload(manager, file, { mode: 'apply' }).expect(200);
    expect(count(again.text, 'unchanged')).to.equal(2);
    expect(await ActualModel.countDocuments({ market: th._id })).to.equal(2);
    const [sum] = await ActualModel.aggregate<{ total: number }>([
      { $match: { market: th._id } },
      { $group: { _id: null, total: { $sum: '$visitors' } } },
    ]);
    expect(sum!.total).to.equal(3000);
  });

  it('when rows are wrong or name an unknown market, then each is reported by line and nothing is imported', async () => {
    await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    const file = csv(
      'TH,CN-CQ,2025,1,1000',
      'TH,CN-CQ,2025,13,1000',
      'TH,CN-CQ,2025,2,-4',
      'TH,CN-CQ,2025,3,2.5',
      'ZZ,CN-CQ,2025,1,10',
      'MY,CN-CQ,2025,1,10',
      'TH,CN-CQ,2025,1,999',
      'TH,CN-CQ,2025',
    );
    const res = await upload(manager, file, { mode: 'apply' }).expect(422);
    expect(res.text).to.contain('Nothing was imported');
    const table = res.text.slice(res.text.indexOf('id="row-errors"'));
    for (const line of [3, 4, 5, 6, 7, 8, 9]) expect(table).to.contain(`<th scope="row">${line}</th>`);
    expect(table).not.to.contain('<th scope="row">2</th>');
    expect(table).to.contain('month: Enter a month from 1 to 12.');
    expect(table).to.contain('visitors: Visitors cannot be negative.');
    expect(table).to.contain('visitors: Enter a whole number of visitors.');
    expect(table).to.contain('origin: Use an ISO country code');
    expect(table).to.contain('No market MY → CN-CQ');
    expect(table).to.contain('already on line 2');
    expect(res.text).not.to.contain('/apply"');
    expect(await ActualModel.countDocuments()).to.equal(0);
  });

  it('when a manager asks to create missing markets, then they are created from the file and the rows imported', async () => {
    const file = csv('MY,CN-CQ,2024,1,1000', 'MY,CN-CQ,2024,2,3000', 'MY,CN-CQ,2025,1,2000');
    const preview = await upload(manager, file, { createMissing: '1' }).expect(200);
    expect(preview.text).to.contain('id="missing-markets"');
    expect(await MarketModel.countDocuments()).to.equal(0);
    await manager.post(`/targets/imports/${importId(preview.text)!}/apply`).expect(200);
    const m = await MarketModel.findOne({ pairKey: 'MY>CN-CQ' }).lean();
    // Baseline: 2024's two months annualised (4,000 × 6), multiplier 2, five years on.
    expect(m).to.deep.include({
      baselineYear: 2024,
      baselineVisitors: 24_000,
      multiplier: 2,
      targetYear: 2029,
    });
    expect(await ActualModel.countDocuments({ market: m!._id })).to.equal(3);
    expect(await AuditEntryModel.countDocuments({ action: 'target.market.create' })).to.equal(1);
  });

  it('when the file is UTF-16 with a byte-order mark (as some spreadsheets save it), then it is read', async () => {
    await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    const text = `${HEADER}\r\nTH,CN-CQ,2025,1,1000\r\n`;
    const file = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const res = await upload(manager, file, { mode: 'apply' }).expect(200);
    expect(count(res.text, 'inserted')).to.equal(1);
    expect(await ActualModel.countDocuments()).to.equal(1);
  });

  it('when the header is wrong or the file is not text, then the form says so next to the file field', async () => {
    const bad = await upload(manager, Buffer.from('country,year,visitors\nTH,2025,5')).expect(422);
    expect(bad.text).to.contain('id="f-file-error"');
    expect(bad.text).to.contain('The first line must be exactly');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const notCsv = await upload(manager, png, {}, 'actuals.csv').expect(422);
    expect(notCsv.text).to.contain('id="f-file-error"');
    const none = await manager.agent.post('/targets/import').field('_csrf', manager.csrf).expect(422);
    expect(none.text).to.contain('Choose a file to upload.');
  });

  it("coordinators cannot import, and nobody can apply another user's checked file", async () => {
    await createMarket({ origin: 'TH', destination: 'CN-CQ' });
    await coordinator.agent.get('/targets/import').expect(403);
    await upload(coordinator, csv('TH,CN-CQ,2025,1,5')).expect(403);
    const preview = await upload(manager, csv('TH,CN-CQ,2025,1,5')).expect(200);
    const other = await loginAs(app(), 'admin');
    await other.post(`/targets/imports/${importId(preview.text)!}/apply`).expect(404);
    expect(await ActualModel.countDocuments()).to.equal(0);
  });
});
