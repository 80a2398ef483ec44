import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ActualModel, MarketModel } from '../../src/modules/targets/index.js';
import { mongoose } from '../../src/lib/db/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createActuals, createMarket } from '../factories/target.js';
import { nextPageHref } from '../support/pages.js';

const MARKET = {
  origin: 'TH',
  destination: 'CN-CQ',
  baselineYear: '2024',
  baselineVisitors: '120000',
  multiplier: '2',
  targetYear: '2027',
  owner: '',
  notes: '',
};

const grid = (year: number, values: Record<number, string> = {}) => {
  const form: Record<string, string> = { year: String(year) };
  for (let m = 1; m <= 12; m++) form[`m${m}`] = values[m] ?? '';
  return form;
};

describe('targets: markets and monthly actuals', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;
  let admin: LoggedIn;
  let owner: LoggedIn;
  let other: LoggedIn;
  let staff: LoggedIn;
  let officer: LoggedIn;

  before(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
    admin = await loginAs(app(), 'admin');
    owner = await loginAs(app(), 'coordinator', { name: 'Owen Owner' });
    other = await loginAs(app(), 'coordinator');
    staff = await loginAs(app(), 'staff');
    officer = await loginAs(app(), 'complaint_officer');
  });

  beforeEach(async () => {
    await Promise.all([
      MarketModel.deleteMany({}),
      ActualModel.deleteMany({}),
      mongoose.connection.db!.collection('auditentries').deleteMany({}),
    ]);
  });

  describe('the list /targets', () => {
    it('when inbound and outbound markets exist, then each pair is one row with both directions side by side and status badges', async () => {
      await createMarket({ origin: 'TH', destination: 'CN-CQ' });
      await createMarket({ origin: 'CN-CQ', destination: 'TH' });
      await createMarket({ origin: 'VN', destination: 'CN-CQ' });
      for (const who of [manager, owner, staff]) {
        const res = await who.agent.get('/targets').expect(200);
        const rows = res.text.split('<tr>').filter((r) => r.includes('<th scope="row">'));
        const thai = rows.find((r) => r.includes('Thailand'))!;
        expect(thai).to.contain('TH → CN-CQ').and.to.contain('CN-CQ → TH');
        expect(thai.indexOf('TH → CN-CQ')).to.be.lessThan(thai.indexOf('CN-CQ → TH'));
        expect(rows.find((r) => r.includes('Viet'))).to.contain('VN → CN-CQ');
        expect(res.text).to.contain('status-no_data');
        expect(res.text).to.contain('on track at 100.0% or more, at risk from 90.0%');
      }
    });

    it('when a Chinese-speaking user opens a market, then country names and Chongqing are in Chinese', async () => {
      const zh = await loginAs(app(), 'staff', { locale: 'zh-CN' });
      const m = await createMarket({ origin: 'TH', destination: 'CN-CQ' });
      const res = await zh.agent.get(`/targets/${m._id.toHexString()}`).expect(200);
      expect(res.text).to.contain('泰国 → 重庆');
      const en = await staff.agent.get(`/targets/${m._id.toHexString()}`).expect(200);
      expect(en.text).to.contain('Thailand → Chongqing');
    });

    it('when there are more than 25 country pairs, then the list pages on with a cursor and no pair is shown twice', async () => {
      const codes = [
        'TH',
        'VN',
        'SG',
        'MY',
        'ID',
        'LA',
        'KH',
        'PH',
        'MM',
        'BN',
        'JP',
        'KR',
        'IN',
        'AU',
        'NZ',
        'FR',
        'DE',
        'GB',
        'US',
        'CA',
        'IT',
        'ES',
        'RU',
        'AE',
        'TR',
        'EG',
        'BR',
        'MX',
      ];
      for (const c of codes) await createMarket({ origin: c, destination: 'CN-CQ' });
      const first = await staff.agent.get('/targets').expect(200);
      const href = nextPageHref(first.text)!;
      expect(href).to.contain('after=');
      const second = await staff.agent.get(href.startsWith('/') ? href : `/targets${href}`).expect(200);
      const seen = (html: string) => [...html.matchAll(/>([A-Z]{2}) → CN-CQ</g)].map((m) => m[1]!);
      expect(seen(first.text)).to.have.length(25);
      expect([...seen(first.text), ...seen(second.text)].sort()).to.deep.equal([...codes].sort());
      expect(nextPageHref(second.text)).to.equal(undefined);
    });

    it('complaint officers cannot read the plan', async () => {
      await officer.agent.get('/targets').expect(403);
    });
  });

  describe('creating and editing markets', () => {
    it('when a manager creates a market, then it is stored with its pair key, audited, and its page opens', async () => {
      const res = await manager
        .post('/targets', { ...MARKET, owner: owner.user._id.toHexString() })
        .expect(302);
      const m = await MarketModel.findOne({}).lean();
      expect(res.headers.location).to.equal(`/targets/${m!._id.toHexString()}`);
      expect(m).to.deep.include({
        origin: 'TH',
        destination: 'CN-CQ',
        pairKey: 'TH>CN-CQ',
        multiplier: 2,
        targetYear: 2027,
      });
      expect(String(m!.owner)).to.equal(owner.user._id.toHexString());
      const entry = await AuditEntryModel.findOne({ action: 'target.market.create' }).lean();
      expect(entry!.entityId).to.equal(m!._id.toHexString());
      expect(entry!.changes.map((c) => c.field)).to.include('baselineVisitors');
    });

    it('when the multiplier is left empty, then it defaults to 2', async () => {
      await admin.post('/targets', { ...MARKET, multiplier: '' }).expect(302);
      expect((await MarketModel.findOne({}).lean())!.multiplier).to.equal(2);
    });

    it('when the form is wrong, then it comes back (422) with a message per field and the values kept', async () => {
      const res = await manager
        .post('/targets', {
          ...MARKET,
          origin: 'XX',
          destination: 'CN-CQ',
          targetYear: '2023',
          baselineVisitors: '-5',
          notes: 'keep me',
        })
        .expect(422);
      expect(res.text).to.contain('id="f-origin-error"');
      expect(res.text).to.contain('id="f-targetYear-error"');
      expect(res.text).to.contain('id="f-baselineVisitors-error"');
      expect(res.text).to.contain('keep me');
      const same = await manager
        .post('/targets', { ...MARKET, origin: 'CN-CQ', destination: 'CN-CQ' })
        .expect(422);
      expect(same.text).to.contain('id="f-destination-error"');
      expect(await MarketModel.countDocuments()).to.equal(0);
    });

    it('when the pair already exists, then the second market is refused on the destination field', async () => {
      await createMarket({ origin: 'TH', destination: 'CN-CQ' });
      const res = await manager.post('/targets', MARKET).expect(422);
      expect(res.text).to.contain('A market for this origin and destination already exists.');
      expect(await MarketModel.countDocuments()).to.equal(1);
    });

    it('when a manager edits a market, then the change is audited with before and after', async () => {
      const m = await createMarket();
      await manager.post(`/targets/${m._id.toHexString()}`, { ...MARKET, multiplier: '2.5' }).expect(302);
      const entry = await AuditEntryModel.findOne({ action: 'target.market.update' }).lean();
      expect(entry!.changes).to.deep.include({ field: 'multiplier', before: 2, after: 2.5 });
    });

    it('coordinators and staff read markets but cannot create or edit them', async () => {
      const m = await createMarket();
      for (const who of [owner, staff]) {
        await who.agent.get('/targets/new').expect(403);
        await who.post('/targets', MARKET).expect(403);
        await who.post(`/targets/${m._id.toHexString()}`, MARKET).expect(403);
        const page = await who.agent.get(`/targets/${m._id.toHexString()}`).expect(200);
        expect(page.text).not.to.contain(`/targets/${m._id.toHexString()}/edit`);
      }
    });

    it('notes with markup are shown as text', async () => {
      const m = await createMarket({ notes: '<script>alert(1)</script><b>bold</b>' });
      const res = await staff.agent.get(`/targets/${m._id.toHexString()}`).expect(200);
      expect(res.text).not.to.contain('<script>alert(1)</script>');
      expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;');
    });
  });

  describe('the month grid /targets/:id/actuals', () => {
    it('when the owner enters a year, then each month is stored once with its yearMonth key, and entering it again replaces it', async () => {
      const m = await createMarket({ owner: owner.user._id });
      const url = `/targets/${m._id.toHexString()}/actuals`;
      await owner.agent.get(`${url}?year=2025`).expect(200);
      await owner.post(url, grid(2025, { 1: '10000', 2: '12,500', 3: '0' })).expect(302);
      await owner.post(url, grid(2025, { 1: '11000', 2: '12,500', 3: '0' })).expect(302);
      const rows = await ActualModel.find({ market: m._id }).sort({ yearMonth: 1 }).lean();
      expect(rows.map((r) => [r.yearMonth, r.visitors, r.source])).to.deep.equal([
        [202501, 11000, 'form'],
        [202502, 12500, 'form'],
        [202503, 0, 'form'],
      ]);
      const page = await owner.agent.get(`${url}?year=2025`).expect(200);
      expect(page.text).to.contain('value="11000"');
      const entries = await AuditEntryModel.find({ action: 'target.actuals.update' }).sort({ at: 1 }).lean();
      expect(entries).to.have.length(2);
      expect(entries[1]!.changes).to.deep.equal([{ field: '2025-01', before: 10000, after: 11000 }]);
    });

    it('when a month is cleared, then its figure is removed', async () => {
      const m = await createMarket();
      await createActuals(m._id, { 202501: 5000, 202502: 6000 });
      await manager.post(`/targets/${m._id.toHexString()}/actuals`, grid(2025, { 1: '5000' })).expect(302);
      expect((await ActualModel.find({ market: m._id }).lean()).map((a) => a.yearMonth)).to.deep.equal([
        202501,
      ]);
    });

    it('when a figure is negative, not a whole number or not a number, then the grid comes back with each error and nothing is saved', async () => {
      const m = await createMarket();
      const res = await manager
        .post(
          `/targets/${m._id.toHexString()}/actuals`,
          grid(2025, { 1: '-3', 2: '1.5', 3: 'many', 4: '400' }),
        )
        .expect(422);
      expect(res.text).to.contain('Visitors cannot be negative.');
      expect(res.text).to.match(/id="f-m2-error">Enter a whole number of visitors\./);
      expect(res.text).to.match(/id="f-m3-error">Enter a whole number of visitors\./);
      expect(res.text).to.contain('value="400"');
      expect(res.text).to.contain('<input type="hidden" name="year" value="2025">');
      expect(await ActualModel.countDocuments()).to.equal(0);
    });

    it('when a month out of range is posted, then it is refused', async () => {
      const m = await createMarket();
      await manager.post(`/targets/${m._id.toHexString()}/actuals`, { ...grid(2025), m13: '5' }).expect(422);
      await manager.post(`/targets/${m._id.toHexString()}/actuals`, grid(1900, { 1: '5' })).expect(422);
      expect(await ActualModel.countDocuments()).to.equal(0);
    });

    it("coordinators enter figures only for markets they own; staff don't", async () => {
      const m = await createMarket({ owner: owner.user._id });
      const url = `/targets/${m._id.toHexString()}/actuals`;
      await other.agent.get(url).expect(403);
      await other.post(url, grid(2025, { 1: '1' })).expect(403);
      await staff.post(url, grid(2025, { 1: '1' })).expect(403);
      expect(await ActualModel.countDocuments()).to.equal(0);
    });
  });

  describe('the market page', () => {
    it('shows year to date, the latest 12 months against the path, status and both charts with data tables', async () => {
      // 120,000 in 2025, ×4 by 2027: 2026's path is 240,000 (20,000 a month).
      const m = await createMarket({
        baselineYear: 2025,
        baselineVisitors: 120_000,
        multiplier: 4,
        targetYear: 2027,
      });
      await createActuals(m._id, {
        202601: 22000,
        202602: 22000,
        202603: 22000,
        202604: 22000,
        202605: 22000,
        202606: 22000,
      });
      const res = await staff.agent.get(`/targets/${m._id.toHexString()}`).expect(200);
      expect(res.text).to.match(/id="required-rate">\+100\.0%/);
      expect(res.text).to.match(/data-k="ytd-actual">132,000/);
      expect(res.text).to.match(/data-k="ytd-baseline">60,000/);
      expect(res.text).to.match(/data-k="ytd-growth">\+120\.0%/);
      expect(res.text).to.match(/data-k="l12-needed">120,000/);
      expect(res.text).to.match(/data-k="l12-ratio">110\.0%/);
      expect(res.text).to.contain('status-on_track');
      expect(res.text).to.contain('Monthly visitors against the required path');
      expect(res.text).to.contain('Yearly totals against the path');
      expect((res.text.match(/<svg class="chart-svg"/g) ?? []).length).to.equal(2);
      expect((res.text.match(/<table class="table table-sm">/g) ?? []).length).to.equal(2);
    });
  });
});
