import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { PartnerKeyModel, PartnerModel } from '../../src/modules/partners/index.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createPartner } from '../factories/partner.js';
import { createContact } from '../factories/contact.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { binary } from '../exports/support.js';

const HEADER = 'name,name_local,type,country,city,website,email,phone,alliance_status,tags,owner_email';
const BOM = '\uFEFF';

function counts(html: string): Record<string, number> {
  return Object.fromEntries(
    [...html.matchAll(/data-count="(\w+)">(\d+)</g)].map((m) => [m[1]!, Number(m[2])]),
  );
}

function rowOutcomes(html: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const m of html.matchAll(/data-row="(\d+)" data-outcome="(\w+)"/g)) out[Number(m[1])] = m[2]!;
  return out;
}

describe('imports: partners', () => {
  const { app } = useTestApp();
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    manager = await loginAs(app(), 'manager');
  });

  function upload(
    who: LoggedIn,
    content: Buffer | string,
    opts: { dryRun?: boolean; duplicates?: string; name?: string } = {},
  ) {
    const req = who.agent.post('/partners/import').field('_csrf', who.csrf);
    if (opts.dryRun !== false) req.field('dryRun', '1');
    if (opts.duplicates) req.field('duplicates', opts.duplicates);
    return req.attach(
      'file',
      Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'),
      opts.name ?? 'partners.csv',
    );
  }

  it('when a list is exported and imported back as a dry run, then every row is unchanged (CSV and XLSX)', async () => {
    const owner = await loginAs(app(), 'coordinator');
    await createPartner({
      name: 'Golden Dragon, "Travel"',
      nameLocal: '金龙旅行社',
      tags: ['vip', 'fair'],
      owner: owner.user._id,
    });
    await createPartner({ name: '=Equal Tours', country: 'VN', website: 'https://equal.example' });
    await createPartner({ name: 'Hà Nội Heritage', country: 'VN', email: 'info@hanoi.example' });
    const before = await AuditEntryModel.countDocuments();
    const csv = await manager.agent.get('/partners/export.csv').expect(200);
    const res = await upload(manager, csv.text.startsWith(BOM) ? csv.text : BOM + csv.text, {
      duplicates: 'update',
    }).expect(200);
    expect(counts(res.text)).to.deep.equal({
      rows: 3,
      create: 0,
      update: 0,
      unchanged: 3,
      skip: 0,
      error: 0,
    });
    expect(res.text).to.contain('Columns read but not imported: id, last_interaction_at, created_at');
    const xlsx = await manager.agent.get('/partners/export.xlsx').buffer(true).parse(binary).expect(200);
    const res2 = await upload(manager, xlsx.body as Buffer, {
      duplicates: 'update',
      name: 'partners.xlsx',
    }).expect(200);
    expect(counts(res2.text)).to.include({ rows: 3, unchanged: 3, error: 0 });
    // Only the two exports were audited: the dry runs wrote nothing.
    expect(await AuditEntryModel.countDocuments()).to.equal(before + 2);
    expect(await PartnerModel.countDocuments()).to.equal(3);
  });

  it('when rows are invalid, then each error is listed with row number, column and message, and valid rows still go ahead', async () => {
    const file = [
      HEADER,
      'Siam Tours,,travel_agency,TH,Bangkok,,,,,,',
      ',,travel_agency,TH,,,,,,,',
      'Bad Type,,spaceline,XX,,javascript:alert(1),not-an-email,,,,',
      `Long,,hotel,SG,${'x'.repeat(1001)},,,,,,`,
      '=cmd|calc,,hotel,SG,,,,,,,',
      'Owner Unknown,,hotel,SG,,,,,,,ghost@example.test',
      'Too,many,cells,TH,,,,,,,,,',
      '"<script>alert(1)</script>",,hotel,MY,,,,,,,',
      '"{""$gt"": """"}",,hotel,MY,,,,,,,',
    ].join('\r\n');
    const res = await upload(manager, file).expect(200);
    expect(rowOutcomes(res.text)).to.deep.equal({
      2: 'create',
      3: 'error',
      4: 'error',
      5: 'error',
      6: 'error',
      7: 'error',
      8: 'error',
      9: 'create',
      10: 'create',
    });
    const errorRows = [
      ...res.text.matchAll(
        /data-row="(\d+)" data-outcome="error"><td>\d*<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td><code>([^<]*)<\/code><\/td><td>([^<]*)<\/td>/g,
      ),
    ].map((m) => `${m[1]} ${m[2]}: ${m[3]}`);
    expect(errorRows).to.include.members([
      '3 name: This field is required.',
      '4 type: Choose one of the listed values.',
      '4 country: The value is not valid.',
      '4 email: Enter a valid e-mail address.',
      '5 city: The cell is longer than 1000 characters.',
      '7 owner_email: No active user has this e-mail address.',
    ]);
    expect(errorRows.some((r) => r.startsWith('4 website'))).to.equal(true);
    expect(errorRows.some((r) => r.startsWith('6 name: Starts with “=”'))).to.equal(true);
    expect(errorRows.some((r) => r.startsWith('8 : The row has 13 cells; the header has 11.'))).to.equal(
      true,
    );
    expect(res.text).to.contain('&lt;script&gt;alert(1)&lt;/script&gt;').and.not.contain('<script>alert(1)');
    expect(await PartnerModel.countDocuments()).to.equal(0);
  });

  it('when the import is applied, then valid rows are created, owned as the form would, and audited per batch', async () => {
    const owner = await loginAs(app(), 'coordinator');
    const file = `${BOM}${HEADER}\r\nMekong Cruises,Du thuyền,cruise_line,vn,Cần Thơ,www.mekong.example,,+84 1,member,river; cruise,${owner.user.email.toUpperCase()}\r\nBroken,,nope,TH,,,,,,,\r\n`;
    const res = await upload(manager, file, { dryRun: false }).expect(200);
    expect(counts(res.text)).to.include({ create: 1, error: 1 });
    const p = await PartnerModel.findOne({ name: 'Mekong Cruises' }).lean();
    expect(p).to.include({
      country: 'VN',
      website: 'https://www.mekong.example',
      allianceStatus: 'member',
      websiteHost: 'mekong.example',
    });
    expect(p!.tags).to.deep.equal(['river', 'cruise']);
    expect(String(p!.owner)).to.equal(owner.user._id.toHexString());
    const audit = await AuditEntryModel.findOne({ action: 'partner.import' }).lean();
    expect(audit?.actorEmail).to.equal(manager.user.email);
    expect((audit?.meta as { created: string[] }).created).to.deep.equal([p!._id.toHexString()]);
    // Searchable like any partner.
    const list = await manager.agent.get('/partners?q=mekong').expect(200);
    expect(list.text).to.contain(p!._id.toHexString());

    const coordinator = await loginAs(app(), 'coordinator');
    await upload(coordinator, `${HEADER}\r\nMine Travel,,hotel,TH,,,,,,,${manager.user.email}\r\n`, {
      dryRun: false,
    }).expect(200);
    const mine = await PartnerModel.findOne({ name: 'Mine Travel' }).lean();
    expect(String(mine!.owner)).to.equal(coordinator.user._id.toHexString());
  });

  it('when a partner is imported, then its stored document has the same fields, of the same types, as one made with the form, and its duplicate keys are kept', async () => {
    const form = {
      name: 'Form Made Travel',
      type: 'hotel',
      country: 'TH',
      website: 'form.example',
      allianceStatus: 'member',
      tags: 'a; b',
    };
    await manager.post('/partners', form).expect(302);
    const file = `${HEADER}\r\nImport Made Travel,,hotel,TH,,import.example,,,member,a; b,\r\n`;
    await upload(manager, file, { dryRun: false }).expect(200);
    const [byForm, byImport] = await Promise.all(
      ['Form Made Travel', 'Import Made Travel'].map((name) => PartnerModel.collection.findOne({ name })),
    );
    const shape = (doc: Record<string, unknown> | null | undefined) =>
      Object.entries(doc ?? {})
        .filter(([k]) => k !== '__v')
        .map(
          ([k, v]) =>
            `${k}:${v === null ? 'null' : Array.isArray(v) ? 'array' : v instanceof Date ? 'date' : typeof v === 'object' ? v.constructor.name : typeof v}`,
        )
        .sort();
    expect(shape(byImport)).to.deep.equal(shape(byForm));
    const keys = await PartnerKeyModel.findById(byImport!._id).lean();
    expect(keys).to.include({ nameKey: byImport!.nameKey, websiteHost: 'import.example' });
  });

  it('when headers differ in case and unknown columns come along, then the known ones are matched and the others reported', async () => {
    const res = await upload(
      manager,
      'NAME,Type,COUNTRY,Name Local,Fax,Notes\nLao Travel,travel_agency,la,ລາວ,123,hi\n',
    ).expect(200);
    expect(counts(res.text)).to.include({ create: 1, error: 0 });
    expect(res.text).to.contain('Unknown columns (ignored): Fax, Notes');
    const missing = await upload(manager, 'name,city\nX,Y\n').expect(422);
    expect(missing.text).to.contain('Required columns are missing: type, country.');
  });

  it('when duplicates are in the file and the database, then skip, update and create-anyway do what they say', async () => {
    const existing = await createPartner({ name: 'Siam Tours Co., Ltd.', country: 'TH', city: 'Bangkok' });
    const file = [
      HEADER,
      'Siam Tours,,travel_agency,TH,Chiang Mai,,,,,,', // same name key as the existing one
      'New One,,hotel,TH,,https://new.example,,,,,',
      'New One Resort,,hotel,TH,,new.example/about,,,,,', // same website host as row 3
    ].join('\n');
    const skip = await upload(manager, file, { duplicates: 'skip' }).expect(200);
    expect(rowOutcomes(skip.text)).to.deep.equal({ 2: 'skip', 3: 'create', 4: 'skip' });
    expect(skip.text)
      .to.contain(`href="/partners/${existing._id.toHexString()}"`)
      .and.contain('duplicate of row 3 in this file');

    const update = await upload(manager, file, { duplicates: 'update' }).expect(200);
    expect(rowOutcomes(update.text)).to.deep.equal({ 2: 'update', 3: 'create', 4: 'skip' });
    expect(await PartnerModel.countDocuments()).to.equal(1);

    await upload(manager, file, { duplicates: 'update', dryRun: false }).expect(200);
    const updated = await PartnerModel.findById(existing._id).lean();
    expect(updated).to.include({ name: 'Siam Tours', city: 'Chiang Mai' });
    expect(await PartnerModel.countDocuments()).to.equal(2);
    const batches = await AuditEntryModel.find({ action: 'partner.import' }).lean();
    const updates = batches.flatMap(
      (b) => (b.meta as { updated: { id: string; changes: { field: string }[] }[] }).updated,
    );
    expect(updates.map((u) => u.id)).to.deep.equal([existing._id.toHexString()]);
    expect(updates[0]!.changes.map((c) => c.field)).to.deep.equal(['name', 'city']);

    const create = await upload(manager, file, { duplicates: 'create', dryRun: false }).expect(200);
    expect(rowOutcomes(create.text)).to.deep.equal({ 2: 'create', 3: 'create', 4: 'create' });
    expect(await PartnerModel.countDocuments()).to.equal(5);
  });

  it('when an import moves a partner to another country, then its contacts follow as after a form edit', async () => {
    const partner = await createPartner({ name: 'Border Travel', country: 'TH' });
    const contact = await createContact({ partner, name: 'Khun Dao' });
    await upload(manager, 'name,type,country\nBorder Travel,travel_agency,LA\n', {
      duplicates: 'update',
      dryRun: false,
    }).expect(200);
    expect((await PartnerModel.findById(partner._id).lean())?.country).to.equal('LA');
    expect((await ContactModel.findById(contact._id).lean())?.partnerCountry).to.equal('LA');
  });

  it('when a coordinator updates a partner they do not own, then that row is an error', async () => {
    const coordinator = await loginAs(app(), 'coordinator');
    await createPartner({ name: 'Not Mine Travel', owner: manager.user._id });
    const res = await upload(coordinator, `${HEADER}\nNot Mine Travel,,hotel,TH,,,,,,,\n`, {
      duplicates: 'update',
    }).expect(200);
    expect(res.text).to.contain('You may only update partners you own.');
  });

  it('when the file is not UTF-8, then it is refused naming the encoding; UTF-16 with a BOM is decoded and said so', async () => {
    const latin1 = Buffer.from(
      `${HEADER}\nCafé Crème Voyages,,travel_agency,FR,Orléans,,,,,,\nÉtoile Hôtel Société Générale,,hotel,FR,Besançon,,,,,,\n`,
      'latin1',
    );
    const refused = await upload(manager, latin1).expect(422);
    expect(refused.text).to.match(/The file is not UTF-8: it looks like (ISO-8859-\d+|windows-125\d)/);
    // Three Chongqing partners with Chinese names, saved by Excel as "CSV" on a Chinese Windows (GBK).
    const gbk = Buffer.from(
      '6e616d652c6e616d655f6c6f63616c2c747970652c636f756e7472790d0a43686f6e6771696e6720546f757269736d2cd6d8c7ecc2c3d3cecdb6d7cabcafcdc5d3d0cfdeb9abcbbe2c746f757269736d5f626f6172642c434e0d0a59616e67747a6520437275697365732cb3a4bdadbbc6bdf0d3cec2d6d3d0cfdeb9abcbbe2c6372756973655f6c696e652c434e0d0a57756c6f6e67204b617273742ccee4c2a1bfa6cbb9ccd8c2c3d3ceb2fad2b5bcafcdc52c7363656e69635f617265612c434e0d0a',
      'hex',
    );
    const gbkRes = await upload(manager, gbk).expect(422);
    expect(gbkRes.text).to.contain('The file is not UTF-8: it looks like GB18030');

    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`name,type,country\r\n重庆旅游集团,tourism_board,CN\r\n`, 'utf16le'),
    ]);
    const res = await upload(manager, utf16).expect(200);
    expect(res.text).to.contain('The file was read as UTF-16 LE.');
    expect(counts(res.text)).to.include({ create: 1 });
  });

  it('when the upload is a PNG named .csv, empty, or a CSV with an unclosed quote, then the form says so and nothing is stored', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
    const res = await upload(manager, png, { name: 'partners.csv' }).expect(422);
    expect(res.text).to.contain('This file type is not accepted here. Allowed: CSV, XLSX.');
    const empty = await upload(manager, '\uFEFF\r\n').expect(422);
    expect(empty.text).to.contain('The file is empty.');
    const unclosed = await upload(manager, `${HEADER}\n"Unclosed,,hotel,TH,,,,,,,\n`).expect(422);
    expect(unclosed.text).to.contain('The CSV could not be read at line');
    const noFile = await manager.agent
      .post('/partners/import')
      .field('_csrf', manager.csrf)
      .field('dryRun', '1')
      .expect(422);
    expect(noFile.text).to.contain('Choose a file to upload.');
    expect(await PartnerModel.countDocuments()).to.equal(0);
  });

  it('when staff or complaint officers try to import, then they are refused', async () => {
    const staff = await loginAs(app(), 'staff');
    await staff.agent.get('/partners/import').expect(403);
    await upload(staff, `${HEADER}\nX,,hotel,TH,,,,,,,\n`).expect(403);
    const page = await manager.agent.get('/partners/import').expect(200);
    expect(page.text).to.contain('name="dryRun" id="f-dryRun" value="1" checked');
  });
});
