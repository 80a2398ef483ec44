import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContact } from '../factories/contact.js';
import { createPartner } from '../factories/partner.js';
import { binary } from '../exports/support.js';
import { counts, errorLines, rowOutcomes, uploadTo, type UploadOptions } from './support.js';

const HEADER =
  'name,name_local,title,email,phone,wechat,line,whatsapp,languages,primary,partner_name,partner_id';

describe('imports: contacts', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
  });

  const upload = (who: LoggedIn, content: Buffer | string, opts: UploadOptions = {}) =>
    uploadTo('/contacts/import', who, content, { name: 'contacts.csv', ...opts });

  it('when the contacts list is exported and imported back as a dry run, then every row is unchanged (CSV and XLSX)', async () => {
    const partner = await createPartner({ name: 'Golden Dragon Travel', country: 'CN' });
    await createContact({
      partner,
      name: 'Li Wei',
      email: 'li@dragon.example',
      languages: ['zh', 'en'],
      primary: true,
    });
    await createContact({ partner, name: '=Formula Fan', email: 'ff@dragon.example', title: '+Sales' });
    const csv = await manager.agent.get('/contacts/export.csv').expect(200);
    const res = await upload(manager, csv.text, { duplicates: 'update' }).expect(200);
    expect(counts(res.text)).to.deep.equal({
      rows: 2,
      create: 0,
      update: 0,
      unchanged: 2,
      skip: 0,
      error: 0,
    });
    expect(res.text).to.contain('Columns read but not imported: id, created_at');
    const xlsx = await manager.agent.get('/contacts/export.xlsx').buffer(true).parse(binary).expect(200);
    const res2 = await upload(manager, xlsx.body as Buffer, { duplicates: 'update', name: 'c.xlsx' }).expect(
      200,
    );
    expect(counts(res2.text)).to.include({ rows: 2, unchanged: 2, error: 0 });
    expect(await ContactModel.countDocuments()).to.equal(2);
  });

  it('when rows name their partner by name or id, then unknown, ambiguous and missing partners are row errors and the rest is created', async () => {
    const siam = await createPartner({ name: 'Siam Tours', country: 'TH' });
    await createPartner({ name: 'Twin Travel', country: 'TH' });
    await createPartner({ name: 'Twin Travel Co., Ltd.', country: 'LA' });
    const file = [
      HEADER,
      `Khun Dao,,Manager,dao@siam.example,,,,,th;en,,siam tours,`,
      `Nok,,,nok@siam.example,,,,,,,,${siam._id.toHexString()}`,
      `Ghost,,,,,,,,,,Nowhere Travel,`,
      `Twin,,,,,,,,,,Twin Travel Ltd,`,
      `Nobody,,,,,,,,,,,`,
      `Bad Id,,,,,,,,,,,${'f'.repeat(24)}`,
      `Bad Lang,,,bad@x.example,,,,,xx,,Siam Tours,`,
    ].join('\r\n');
    const res = await upload(manager, file, { dryRun: false }).expect(200);
    expect(rowOutcomes(res.text)).to.deep.equal({
      2: 'create',
      3: 'create',
      4: 'error',
      5: 'error',
      6: 'error',
      7: 'error',
      8: 'error',
    });
    const errors = errorLines(res.text);
    expect(errors).to.include.members([
      '4 partner_name: No partner “Nowhere Travel” was found.',
      '6 partner_name: Name the partner (partner_name or partner_id).',
      `7 partner_id: No partner “${'f'.repeat(24)}” was found.`,
    ]);
    // "Twin Travel Ltd" is neither name exactly; both share the duplicate key "twintravel".
    expect(errors, errors.join('\n')).to.satisfy((l: string[]) =>
      l.some((e) => e.startsWith('5 partner_name: 2 partners match')),
    );
    expect(errors.some((e) => e.startsWith('8 languages'))).to.equal(true);
    const dao = await ContactModel.findOne({ email: 'dao@siam.example' }).lean();
    expect(dao).to.include({ name: 'Khun Dao', title: 'Manager', partnerCountry: 'TH' });
    expect(dao!.languages).to.deep.equal(['th', 'en']);
    expect(String(dao!.partner)).to.equal(siam._id.toHexString());
    // Exactly one primary contact per partner, as with the form.
    expect(await ContactModel.countDocuments({ partner: siam._id, primary: true })).to.equal(1);
    const audit = await AuditEntryModel.findOne({ action: 'contact.import' }).lean();
    expect((audit?.meta as { created: string[] }).created).to.have.length(2);
    expect(await AuditEntryModel.countDocuments({ action: 'contact.import' })).to.equal(1);
  });

  it('when e-mails repeat in the file or match live contacts, then skip, update and create-anyway do what they say', async () => {
    const partner = await createPartner({ name: 'Mekong Cruises', country: 'VN' });
    const existing = await createContact({ partner, name: 'Old Name', email: 'an@mekong.example' });
    const file = [
      'name,email,partner_name,title',
      'An Nguyen,AN@mekong.example,Mekong Cruises,Director',
      'Binh,binh@mekong.example,Mekong Cruises,',
      'Binh Again,binh@mekong.example,Mekong Cruises,',
    ].join('\n');
    const skip = await upload(manager, file, { duplicates: 'skip' }).expect(200);
    expect(rowOutcomes(skip.text)).to.deep.equal({ 2: 'skip', 3: 'create', 4: 'skip' });
    expect(skip.text)
      .to.contain(`href="/contacts/${existing._id.toHexString()}"`)
      .and.contain('duplicate of row 3 in this file');

    await upload(manager, file, { duplicates: 'update', dryRun: false }).expect(200);
    const updated = await ContactModel.findById(existing._id).lean();
    expect(updated).to.include({ name: 'An Nguyen', title: 'Director', email: 'an@mekong.example' });
    expect(await ContactModel.countDocuments()).to.equal(2);

    const create = await upload(manager, file, { duplicates: 'create', dryRun: false }).expect(200);
    expect(rowOutcomes(create.text)).to.deep.equal({ 2: 'create', 3: 'create', 4: 'create' });
    expect(await ContactModel.countDocuments()).to.equal(5);
  });

  it('when a coordinator imports contacts, then only rows of partners they own go ahead', async () => {
    const coordinator = await loginAs(app(), 'coordinator');
    await createPartner({ name: 'Mine Travel', owner: coordinator.user._id });
    await createPartner({ name: 'Theirs Travel', owner: manager.user._id });
    const res = await upload(coordinator, 'name,partner_name\nA,Mine Travel\nB,Theirs Travel\n', {
      dryRun: false,
    }).expect(200);
    expect(rowOutcomes(res.text)).to.deep.equal({ 2: 'create', 3: 'error' });
    expect(errorLines(res.text)).to.include(
      '3 partner_name: You may only add or change contacts of partners you own.',
    );
    expect(await ContactModel.countDocuments()).to.equal(1);
    const staff = await loginAs(app(), 'staff');
    await staff.agent.get('/contacts/import').expect(403);
    await upload(staff, 'name,partner_name\nA,Mine Travel\n').expect(403);
    const form = await coordinator.agent.get('/contacts/import').expect(200);
    expect(form.text)
      .to.contain('Import contacts')
      .and.contain('<code>partner_name</code>')
      .and.contain('action="/contacts/import"')
      .and.contain('name="allOrNothing"');
    const list = await coordinator.agent.get('/contacts').expect(200);
    expect(list.text).to.contain('href="/contacts/import"');
  });

  it('when cells hold formulas, HTML or $-operators, then formulas are row errors and the rest is stored as plain text', async () => {
    await createPartner({ name: 'Siam Tours', country: 'TH' });
    const file = [
      'name,email,title,partner_name',
      '=1+2,a@x.example,,Siam Tours',
      'Plus,b@x.example,@SUM(1),Siam Tours',
      '"<script>alert(1)</script>",c@x.example,<b>boss</b>,Siam Tours',
      '"{""$gt"": """"}",d@x.example,$where,Siam Tours',
      `Long,e@x.example,${'x'.repeat(1001)},Siam Tours`,
    ].join('\n');
    const res = await upload(manager, file, { dryRun: false }).expect(200);
    expect(rowOutcomes(res.text)).to.deep.equal({
      2: 'error',
      3: 'error',
      4: 'create',
      5: 'create',
      6: 'error',
    });
    const errors = errorLines(res.text);
    expect(errors.some((e) => e.startsWith('2 name: Starts with “=”'))).to.equal(true);
    expect(errors.some((e) => e.startsWith('3 title: Starts with “@”'))).to.equal(true);
    expect(errors).to.include('6 title: The cell is longer than 1000 characters.');
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.contain('<script>alert(1)');
    expect(await ContactModel.findOne({ email: 'c@x.example' }).lean()).to.include({
      name: '<script>alert(1)</script>',
    });
    expect(await ContactModel.findOne({ email: 'd@x.example' }).lean()).to.include({
      name: '{"$gt": ""}',
      title: '$where',
    });
  });

  it('when the file is broken (columns, quotes, empty, binary, no partner column), then it says so and nothing is stored', async () => {
    await createPartner({ name: 'Siam Tours', country: 'TH' });
    const width = await upload(manager, 'name,partner_name\nA,Siam Tours,extra\nB\n').expect(200);
    expect(errorLines(width.text)).to.include.members([
      '2 : The row has 3 cells; the header has 2.',
      '3 : The row has 1 cells; the header has 2.',
    ]);
    const unclosed = await upload(manager, 'name,partner_name\n"Unclosed,Siam Tours\n').expect(422);
    expect(unclosed.text).to.contain('The CSV could not be read at line');
    const empty = await upload(manager, '').expect(422);
    expect(empty.text).to.contain('Choose a file to upload.');
    const blank = await upload(manager, '\uFEFF\r\n\r\n').expect(422);
    expect(blank.text).to.contain('The file is empty.');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const bin = await upload(manager, png, { name: 'contacts.csv' }).expect(422);
    expect(bin.text).to.contain('This file type is not accepted here. Allowed: CSV, XLSX.');
    const noPartner = await upload(manager, 'name,email\nA,a@x.example\n').expect(422);
    expect(noPartner.text).to.contain('The file needs a partner_name or partner_id column.');
    const huge = await upload(manager, Buffer.alloc(6 * 1024 * 1024, 'a')).expect(422);
    expect(huge.text).to.contain('The file is too large (at most 5 MB).');
    expect(await ContactModel.countDocuments()).to.equal(0);
  });
});
