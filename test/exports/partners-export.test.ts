import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { createContact } from '../factories/contact.js';
import { binary, csvRows } from './support.js';

const SPEC_HEADER =
  'name,name_local,type,country,city,website,email,phone,alliance_status,tags,owner_email,id,last_interaction_at,created_at';

describe('exports: partner and contact lists', () => {
  const { app } = useTestApp();
  let staff: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    staff = await loginAs(app(), 'staff');
  });

  it('when staff export partners as CSV, then they get the SPEC header, BOM, CRLF, quoting, owner e-mails and neutralised formulas', async () => {
    const owner = await loginAs(app(), 'coordinator');
    const p = await createPartner({
      name: 'Golden Dragon, "Travel"',
      nameLocal: '金龙旅行社',
      country: 'TH',
      tags: ['vip', 'fair'],
      owner: owner.user._id,
    });
    await createPartner({ name: '=HYPERLINK("http://evil")', city: '@SUM(A1)', country: 'VN' });
    const res = await staff.agent.get('/partners/export.csv').expect(200);
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).to.match(
      /^attachment; filename="partners-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const rows = csvRows(res.text);
    expect(rows[0]).to.equal(SPEC_HEADER);
    expect(rows).to.have.length(3);
    expect(rows[1]).to.equal(
      `"'=HYPERLINK(""http://evil"")",,travel_agency,VN,'@SUM(A1),,,,prospect,,,${rows[1]!.split(',').at(-3)},,${rows[1]!.split(',').at(-1)}`,
    );
    expect(rows[2]).to.contain(
      `"Golden Dragon, ""Travel""",金龙旅行社,travel_agency,TH,Bangkok,,,,prospect,vip;fair,${owner.user.email},${p._id.toHexString()},,`,
    );
  });

  it('when the list is filtered, then the export holds exactly the filtered rows of every page, in list order', async () => {
    for (let i = 0; i < 57; i += 1)
      await createPartner({ name: `Thai ${String(i).padStart(2, '0')}`, country: 'TH' });
    for (let i = 0; i < 4; i += 1) await createPartner({ name: `Viet ${i}`, country: 'VN' });
    await createPartner({ name: 'Thai archived', country: 'TH', archivedAt: new Date() });
    const rows = csvRows((await staff.agent.get('/partners/export.csv?country=TH').expect(200)).text);
    expect(rows).to.have.length(58);
    expect(rows.slice(1).map((r) => r.split(',')[0])).to.deep.equal(
      Array.from({ length: 57 }, (_, i) => `Thai ${String(i).padStart(2, '0')}`),
    );
    const all = csvRows(
      (await staff.agent.get('/partners/export.csv?country=TH&archived=all').expect(200)).text,
    );
    expect(all).to.have.length(59);
    const searched = csvRows((await staff.agent.get('/partners/export.csv?q=viet').expect(200)).text);
    expect(searched).to.have.length(5);
  });

  it('when columns are chosen and headers asked in Chinese, then only those columns come, in that order, with translated headers', async () => {
    await createPartner({ name: 'Mekong Cruises', country: 'VN' });
    const zh = await loginAs(app(), 'manager', { locale: 'zh-CN' });
    const rows = csvRows(
      (await zh.agent.get('/partners/export.csv?columns=country,name&headers=labels').expect(200)).text,
    );
    expect(rows).to.deep.equal(['国家/地区,名称', 'VN,Mekong Cruises']);
    await staff.agent.get('/partners/export.csv?columns=name,password').expect(400);
  });

  it('when partners are exported as XLSX, then exceljs reads the same rows with formulas neutralised', async () => {
    await createPartner({ name: '+Plus Travel', country: 'SG', tags: ['a'] });
    const res = await staff.agent.get('/partners/export.xlsx').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).to.contain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1).join(',')).to.equal(SPEC_HEADER);
    expect(ws.getCell('A2').value).to.equal("'+Plus Travel");
    expect(ws.getCell('D2').value).to.equal('SG');
    expect(ws.getCell('N2').value).to.be.instanceOf(Date);
    expect(ws.rowCount).to.equal(2);
  });

  it('when a partner list is exported, then the audit log records who, which entity, the filter and the row count', async () => {
    await createPartner({ country: 'TH' });
    await createPartner({ country: 'TH' });
    await createPartner({ country: 'MY' });
    await staff.agent.get('/partners/export.csv?country=TH&columns=name,country').expect(200);
    const entry = await AuditEntryModel.findOne({ action: 'partner.export' }).lean();
    expect(entry).to.not.equal(null);
    expect(entry!.actorEmail).to.equal(staff.user.email);
    expect(entry!.entity).to.equal('partner');
    expect(entry!.meta).to.deep.include({ format: 'csv', rows: 2, columns: ['name', 'country'] });
    expect((entry!.meta as { filter: Record<string, string> }).filter).to.deep.include({ country: 'TH' });
  });

  it('when a complaint officer (who may not export) asks, then 403; coordinators export partners and contacts', async () => {
    const officer = await loginAs(app(), 'complaint_officer');
    await officer.agent.get('/partners/export.csv').expect(403);
    await officer.agent.get('/contacts/export.xlsx').expect(403);
    await officer.agent.get('/partners/export').expect(403);
    const coordinator = await loginAs(app(), 'coordinator');
    await coordinator.agent.get('/partners/export.csv').expect(200);
    await coordinator.agent.get('/contacts/export.csv').expect(200);
    expect(await AuditEntryModel.countDocuments({ action: /export$/ })).to.equal(2);
  });

  it('when contacts are exported with a filter, then the rows carry their partner names', async () => {
    const thai = await createPartner({ name: 'Siam Tours', country: 'TH' });
    const viet = await createPartner({ name: 'Hanoi Travel', country: 'VN' });
    await createContact({ partner: thai, name: 'Somchai' });
    await createContact({ partner: viet, name: 'Lan' });
    const rows = csvRows(
      (await staff.agent.get('/contacts/export.csv?country=TH&columns=name,partner_name').expect(200)).text,
    );
    expect(rows).to.deep.equal(['name,partner_name', 'Somchai,Siam Tours']);
  });

  it('when the export dialog opens from a filtered list, then it shows the count, the columns and keeps the filters', async () => {
    await createPartner({ country: 'TH' });
    const page = await staff.agent.get('/partners/export?country=TH&sort=created').expect(200);
    expect(page.text).to.contain('1 row matches');
    expect(page.text).to.contain('name="country" value="TH"');
    expect(page.text).to.contain('value="owner_email" checked');
    const list = await staff.agent.get('/partners?country=TH').expect(200);
    expect(list.text).to.contain('href="/partners/export?country=TH"');
    const res = await staff
      .post('/partners/export', {
        country: 'TH',
        format: 'csv',
        columns: ['name'],
        headers: 'keys',
        mode: 'download',
      })
      .expect(200);
    expect(csvRows(res.text)).to.have.length(2);
  });
});
