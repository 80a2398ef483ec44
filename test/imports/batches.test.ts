import { expect } from 'chai';
import { AuditEntryModel } from '../../src/modules/audit/index.js';
import { ContactModel } from '../../src/modules/contacts/index.js';
import { NotificationModel } from '../../src/modules/notifications/index.js';
import {
  ImportBatchModel,
  runUndoJob,
  setUndoInlineLimit,
  sweepImports,
} from '../../src/modules/imports/index.js';
import { PartnerModel } from '../../src/modules/partners/index.js';
import { contactImport } from '../../src/modules/imports/entities/contacts.js';
import { loginAs, type LoggedIn } from '../support/agent.js';
import { clearDatabase, useTestApp } from '../support/db.js';
import { createContact } from '../factories/contact.js';
import { createPartner } from '../factories/partner.js';
import { batchIdOf, counts, uploadTo } from './support.js';

describe('imports: all or nothing, batches and undo', () => {
  const { app } = useTestApp();
  let admin: LoggedIn;
  let manager: LoggedIn;

  beforeEach(async () => {
    await clearDatabase();
    admin = await loginAs(app(), 'admin');
    manager = await loginAs(app(), 'manager');
  });

  afterEach(() => setUndoInlineLimit(200));

  it('when "all or nothing" is ticked and one row has an error, then nothing is written and the report says so (partners and contacts)', async () => {
    const file = 'name,type,country\nGood One,hotel,TH\nBad One,spaceline,TH\n';
    const res = await uploadTo('/partners/import', manager, file, {
      dryRun: false,
      allOrNothing: true,
    }).expect(200);
    expect(res.text).to.contain('Nothing was saved: 1 rows have errors and “All or nothing” was chosen.');
    expect(counts(res.text)).to.include({ create: 1, error: 1 });
    expect(await PartnerModel.countDocuments()).to.equal(0);
    // The form comes back with the choice kept, ready for the corrected file.
    expect(res.text).to.contain('name="allOrNothing" id="f-allOrNothing" value="1" checked');

    await createPartner({ name: 'Siam Tours' });
    const contacts = 'name,partner_name\nA,Siam Tours\nB,Nowhere\n';
    const res2 = await uploadTo('/contacts/import', manager, contacts, {
      dryRun: false,
      allOrNothing: true,
    }).expect(200);
    expect(res2.text).to.contain('Nothing was saved');
    expect(await ContactModel.countDocuments()).to.equal(0);

    // Without errors "all or nothing" writes everything.
    const ok = await uploadTo('/partners/import', manager, 'name,type,country\nFine,hotel,TH\n', {
      dryRun: false,
      allOrNothing: true,
    }).expect(200);
    expect(ok.text).to.contain('Import finished.');
    expect(await PartnerModel.countDocuments({ name: 'Fine' })).to.equal(1);
  });

  it('when an admin undoes a partner import, then created partners are archived, updated fields restored, and both are audited once', async () => {
    const existing = await createPartner({ name: 'Siam Tours', country: 'TH', city: 'Bangkok' });
    const file =
      'name,type,country,city\nSiam Tours,travel_agency,TH,Chiang Mai\nNew Hotel,hotel,LA,Vientiane\n';
    const res = await uploadTo('/partners/import', manager, file, {
      dryRun: false,
      duplicates: 'update',
    }).expect(200);
    const id = batchIdOf(res.text);
    const created = await PartnerModel.findOne({ name: 'New Hotel' }).lean();
    expect((await PartnerModel.findById(existing._id).lean())?.city).to.equal('Chiang Mai');

    // Managers see their own batch but may not undo it.
    const page = await manager.agent.get(`/imports/${id}`).expect(200);
    expect(page.text).to.contain('1 created, 1 updated').and.not.contain('id="batch-undo"');
    await manager.post(`/imports/${id}/undo`).expect(403);
    const other = await loginAs(app(), 'coordinator');
    await other.agent.get(`/imports/${id}`).expect(404);

    const list = await admin.agent.get('/imports').expect(200);
    expect(list.text).to.contain(`data-batch="${id}"`);
    expect((await admin.agent.get(`/imports/${id}`).expect(200)).text).to.contain('id="batch-undo"');
    await admin.post(`/imports/${id}/undo`).expect(303);

    const archived = await PartnerModel.findById(created!._id).lean();
    expect(archived?.archivedAt).to.be.instanceOf(Date);
    const restored = await PartnerModel.findById(existing._id).lean();
    expect(restored).to.include({ name: 'Siam Tours', city: 'Bangkok' });
    const batch = await ImportBatchModel.findById(id).lean();
    expect(batch?.undoneAt).to.be.instanceOf(Date);
    expect(await AuditEntryModel.countDocuments({ action: 'partner.import' })).to.equal(1);
    const undo = await AuditEntryModel.findOne({ action: 'partner.import.undo' }).lean();
    expect(undo?.actorEmail).to.equal(admin.user.email);
    expect(undo?.meta).to.deep.include({ archived: [created!._id.toHexString()] });
    // Once undone, never twice.
    await admin.post(`/imports/${id}/undo`).expect(409);
    const after = await admin.agent.get(`/imports/${id}`).expect(200);
    expect(after.text).to.contain('id="batch-undone"').and.not.contain('id="batch-undo"');
  });

  it('when a record of the batch was edited after the import, then undo is refused listing it and nothing is undone', async () => {
    const partner = await createPartner({ name: 'Mekong Cruises', country: 'VN' });
    const file =
      'name,email,partner_name\nAn,an@mekong.example,Mekong Cruises\nBinh,binh@mekong.example,Mekong Cruises\n';
    const res = await uploadTo('/contacts/import', manager, file, { dryRun: false }).expect(200);
    const id = batchIdOf(res.text);
    const binh = await ContactModel.findOne({ email: 'binh@mekong.example' }).lean();
    await new Promise((r) => setTimeout(r, 5));
    await manager
      .post(`/contacts/${binh!._id.toHexString()}`, { name: 'Binh Edited', email: 'binh@mekong.example' })
      .expect(302);

    const refused = await admin.post(`/imports/${id}/undo`).expect(409);
    expect(refused.text)
      .to.contain('Not undone: 1 records were changed after the import.')
      .and.contain(`data-changed="${binh!._id.toHexString()}"`)
      .and.contain('Binh Edited');
    expect(await ContactModel.countDocuments({ partner: partner._id, archivedAt: null })).to.equal(2);
    expect(await AuditEntryModel.countDocuments({ action: 'contact.import.undo' })).to.equal(0);
  });

  it('when a batch is larger than the inline limit, then its undo runs as a job with progress and a notification', async () => {
    setUndoInlineLimit(1);
    const res = await uploadTo(
      '/partners/import',
      manager,
      'name,type,country\nA Hotel,hotel,TH\nB Hotel,hotel,TH\n',
      {
        dryRun: false,
      },
    ).expect(200);
    const id = batchIdOf(res.text);
    await admin.post(`/imports/${id}/undo`).expect(303);
    const waiting = await admin.agent.get(`/imports/${id}`).expect(200);
    expect(waiting.text).to.contain('Undo in progress: 0 of 2 records').and.not.contain('id="batch-undo"');
    // Pressing again while it waits is refused.
    await admin.post(`/imports/${id}/undo`).expect(409);
    expect(await PartnerModel.countDocuments({ archivedAt: null })).to.equal(2);

    const done = await runUndoJob(id);
    expect(done?.undo).to.include({ status: 'done', done: 2, total: 2 });
    expect(done?.undoneAt).to.be.instanceOf(Date);
    expect(await runUndoJob(id)).to.equal(null);
    expect(await PartnerModel.countDocuments({ archivedAt: null })).to.equal(0);
    const note = await NotificationModel.findOne({ user: admin.user._id, kind: 'import.undone' }).lean();
    expect(note?.link).to.equal(`/imports/${id}`);
    expect(await AuditEntryModel.countDocuments({ action: 'partner.import.undo' })).to.equal(1);
    // The sweep has nothing left to run.
    expect(await sweepImports(new Date())).to.deep.equal({ ran: 0, failed: 0 });
  });

  it('when a write fails half-way, then the batch is marked failed and what was written can be undone', async () => {
    const partner = await createPartner({ name: 'Fail Travel', country: 'TH' });
    await createContact({ partner, name: 'Existing', email: 'ex@fail.example' });
    const file =
      'name,email,partner_name\nNew,new@fail.example,Fail Travel\nChanged,ex@fail.example,Fail Travel\n';
    const update = contactImport.update;
    contactImport.update = () => Promise.reject(new Error('disk full'));
    try {
      await uploadTo('/contacts/import', manager, file, { dryRun: false, duplicates: 'update' }).expect(500);
    } finally {
      contactImport.update = update;
    }
    const batch = await ImportBatchModel.findOne({ entity: 'contact' }).lean();
    expect(batch).to.include({ status: 'failed', error: 'disk full' });
    expect(await ContactModel.countDocuments({ email: 'new@fail.example', archivedAt: null })).to.equal(1);
    await admin.post(`/imports/${batch!._id.toHexString()}/undo`).expect(303);
    expect(await ContactModel.countDocuments({ email: 'new@fail.example', archivedAt: null })).to.equal(0);
    expect(await ContactModel.countDocuments({ email: 'ex@fail.example', archivedAt: null })).to.equal(1);
  });

  it('when a contact import that updated a contact is undone, then its previous values come back and created contacts are archived', async () => {
    const partner = await createPartner({ name: 'Lao Travel', country: 'LA' });
    const old = await createContact({ partner, name: 'Old', email: 'old@lao.example', title: 'Clerk' });
    const file =
      'name,email,title,partner_name\nRenamed,old@lao.example,Boss,Lao Travel\nFresh,fresh@lao.example,,Lao Travel\n';
    const res = await uploadTo('/contacts/import', manager, file, {
      dryRun: false,
      duplicates: 'update',
    }).expect(200);
    await admin.post(`/imports/${batchIdOf(res.text)}/undo`).expect(303);
    expect(await ContactModel.findById(old._id).lean()).to.include({
      name: 'Old',
      title: 'Clerk',
      archivedAt: null,
    });
    const fresh = await ContactModel.findOne({ email: 'fresh@lao.example' }).lean();
    expect(fresh?.archivedAt).to.be.instanceOf(Date);
    // The partner still has exactly one primary contact among live ones.
    expect(
      await ContactModel.countDocuments({ partner: partner._id, archivedAt: null, primary: true }),
    ).to.equal(1);
  });
});
